using System.Collections;
using System.Management.Automation;
using System.Reflection;
using System.Text.Json;
using IpamCleanup.Core;
using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Commands;

/// <summary>
/// Turns pipeline or -Baseline input into findings: live Finding objects, their deserialized copies
/// (Import-Clixml, ConvertFrom-Json) and JSON files of findings (Get-CalicoIpamLeak | ConvertTo-Json).
/// </summary>
internal static class FindingInput
{
    private static readonly PropertyInfo[] Settable = typeof(Finding).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite).ToArray();

    public static Finding? FromObject(object? value)
    {
        var wrapper = value as PSObject;
        value = wrapper is not null ? wrapper.BaseObject : value;
        switch (value)
        {
            case null:
                return null;
            case Finding finding:
                return finding;
        }

        var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (value is PSCustomObject || value is not IDictionary)
        {
            // A PSCustomObject's properties live on its PSObject wrapper, not on the shared base instance.
            foreach (var property in (wrapper ?? PSObject.AsPSObject(value)).Properties)
            {
                properties[property.Name] = Unwrap(property.Value);
            }
        }
        else
        {
            foreach (DictionaryEntry entry in (IDictionary)value)
            {
                properties[entry.Key.ToString() ?? ""] = Unwrap(entry.Value);
            }
        }

        return FromProperties(properties);
    }

    /// <summary>Reads a JSON file holding one finding or an array of findings.</summary>
    public static IReadOnlyList<Finding> FromJsonFile(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var items = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().ToList()
                : new List<JsonElement> { document.RootElement };
            var findings = new List<Finding>(items.Count);
            foreach (var item in items)
            {
                var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in item.EnumerateObject())
                {
                    properties[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.TryGetUInt64(out var u) ? (object)u : property.Value.GetDouble(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        JsonValueKind.Array => property.Value.EnumerateArray().Select(e => e.ToString()).ToArray(),
                        _ => null,
                    };
                }

                findings.Add(FromProperties(properties) ?? throw new JsonException("An item is not a finding (no Kind)."));
            }

            return findings;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidCastException or FormatException)
        {
            throw new IpamCleanupException("BaselineInvalid", "InvalidData", $"'{path}' is not a file of findings: {e.Message}",
                "Save a baseline with: Get-CalicoIpamLeak | ConvertTo-Json -Depth 5 | Set-Content baseline.json", path, e);
        }
    }

    private static Finding? FromProperties(Dictionary<string, object?> properties)
    {
        if (!properties.TryGetValue("Kind", out var kindValue) || kindValue is null)
        {
            return null;
        }

        var kind = kindValue is string text ? Enum.Parse<FindingKind>(text, ignoreCase: true) : (FindingKind)Convert.ToInt32(kindValue, System.Globalization.CultureInfo.InvariantCulture);
        var finding = new Finding
        {
            Kind = kind,
            Releasable = properties.TryGetValue("Releasable", out var r) && LanguagePrimitives.IsTrue(r),
            Reason = properties.TryGetValue("Reason", out var reason) ? reason?.ToString() ?? "" : "",
            Action = properties.TryGetValue("Action", out var action) ? action?.ToString() ?? "" : "",
        };
        foreach (var property in Settable)
        {
            if (property.Name is nameof(Finding.Kind) or nameof(Finding.Releasable) or nameof(Finding.Reason) or nameof(Finding.Action) ||
                !properties.TryGetValue(property.Name, out var value) || value is null)
            {
                continue;
            }

            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? converted = target == typeof(IReadOnlyList<string>)
                ? (value as IEnumerable)?.Cast<object?>().Select(o => o?.ToString() ?? "").ToArray()
                : target == typeof(TimeSpan) ? (value is TimeSpan ts ? ts : null)
                : target == typeof(DateTimeOffset) ? (value is DateTimeOffset dto ? dto : value is DateTime dt ? new DateTimeOffset(dt) : DateTimeOffset.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null)
                : LanguagePrimitives.ConvertTo(value, target, System.Globalization.CultureInfo.InvariantCulture);
            if (converted is not null)
            {
                property.SetValue(finding, converted);
            }
        }

        return finding;
    }

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
}
