namespace IpamCleanup.Core.Json;

/// <summary>Go's <c>strconv.ParseBool</c>, which libcalico uses for the v1 BlockAffinity <c>deleted</c> string.</summary>
public static class GoBool
{
    public static bool TryParse(string? text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>The v1 affinity reading: empty or unparseable text is false.</summary>
    public static bool IsTrue(string? text) => TryParse(text, out var value) && value;
}
