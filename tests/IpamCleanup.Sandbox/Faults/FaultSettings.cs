using System.Globalization;
using System.Text.Json.Nodes;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Faults injected into API requests (never into discovery or /sandbox admin calls). Mutable at
/// runtime and thread-safe. Every API request draws the same number of random values, so a given
/// seed and request sequence always produces the same faults.
/// </summary>
public sealed class FaultSettings
{
    private readonly object _gate = new();
    private Random _random = new();
    private int _latencyMs;
    private double _conflictRate;
    private double _tooManyRequestsRate;
    private int _retryAfterSeconds = 1;
    private double _serverErrorRate;
    private double _dropRate;
    private double _expireContinueRate;
    private int? _seed;

    /// <summary>Delay added to every API request.</summary>
    public int LatencyMs { get => Read(() => _latencyMs); set => Write(() => _latencyMs = NonNegative(value)); }

    /// <summary>Fraction of writes answered 409 Conflict without being applied.</summary>
    public double ConflictRate { get => Read(() => _conflictRate); set => Write(() => _conflictRate = Rate(value)); }

    /// <summary>Fraction of requests answered 429 with a Retry-After header.</summary>
    public double TooManyRequestsRate { get => Read(() => _tooManyRequestsRate); set => Write(() => _tooManyRequestsRate = Rate(value)); }

    public int RetryAfterSeconds { get => Read(() => _retryAfterSeconds); set => Write(() => _retryAfterSeconds = NonNegative(value)); }

    /// <summary>Fraction of requests answered 500 or 503 (half each).</summary>
    public double ServerErrorRate { get => Read(() => _serverErrorRate); set => Write(() => _serverErrorRate = Rate(value)); }

    /// <summary>Fraction of requests whose connection is cut after part of the response body (the request itself is executed).</summary>
    public double DropRate { get => Read(() => _dropRate); set => Write(() => _dropRate = Rate(value)); }

    /// <summary>Fraction of LIST requests carrying a continue token that are answered 410 Expired.</summary>
    public double ExpireContinueRate { get => Read(() => _expireContinueRate); set => Write(() => _expireContinueRate = Rate(value)); }

    /// <summary>Setting a seed restarts the random sequence; null seeds from the clock.</summary>
    public int? Seed
    {
        get => Read(() => _seed);
        set => Write(() =>
        {
            _seed = value;
            _random = value is { } seed ? new Random(seed) : new Random();
        });
    }

    public bool IsEmpty => Read(() => _latencyMs == 0 && _conflictRate == 0 && _tooManyRequestsRate == 0 && _serverErrorRate == 0 && _dropRate == 0 && _expireContinueRate == 0);

    /// <summary>Parses <c>latencyMs=2,conflictRate=0.3,tooManyRequestsRate=0.1,retryAfterSeconds=1,serverErrorRate=0.05,dropRate=0.05,expireContinueRate=0.2,seed=1</c>.</summary>
    public static FaultSettings Parse(string spec)
    {
        var settings = new FaultSettings();
        foreach (var (key, value) in SpecParser.Parse(spec))
        {
            settings.Set(key, value);
        }

        return settings;
    }

    /// <summary>Reads the admin endpoint's JSON shape; missing keys take their defaults, so <c>{}</c> clears everything.</summary>
    public static FaultSettings FromJson(JsonObject json)
    {
        var settings = new FaultSettings();
        foreach (var (key, value) in json)
        {
            if (value is not null)
            {
                settings.Set(key, value.ToJsonString().Trim('"'));
            }
        }

        return settings;
    }

    /// <summary>Takes over every value (and the seed) of <paramref name="other"/>.</summary>
    public void CopyFrom(FaultSettings other)
    {
        LatencyMs = other.LatencyMs;
        ConflictRate = other.ConflictRate;
        TooManyRequestsRate = other.TooManyRequestsRate;
        RetryAfterSeconds = other.RetryAfterSeconds;
        ServerErrorRate = other.ServerErrorRate;
        DropRate = other.DropRate;
        ExpireContinueRate = other.ExpireContinueRate;
        Seed = other.Seed;
    }

    public void Clear() => CopyFrom(new FaultSettings());

    public JsonObject ToJson() => new()
    {
        ["latencyMs"] = LatencyMs,
        ["conflictRate"] = ConflictRate,
        ["tooManyRequestsRate"] = TooManyRequestsRate,
        ["retryAfterSeconds"] = RetryAfterSeconds,
        ["serverErrorRate"] = ServerErrorRate,
        ["dropRate"] = DropRate,
        ["expireContinueRate"] = ExpireContinueRate,
        ["seed"] = Seed,
    };

    internal FaultDecision Decide(bool isWrite, bool hasContinue)
    {
        lock (_gate)
        {
            var tooMany = _random.NextDouble();
            var serverError = _random.NextDouble();
            var conflict = _random.NextDouble();
            var expire = _random.NextDouble();
            var drop = _random.NextDouble();
            var kind = tooMany < _tooManyRequestsRate ? FaultKind.TooManyRequests
                : serverError < _serverErrorRate ? (serverError < _serverErrorRate / 2 ? FaultKind.ServiceUnavailable : FaultKind.InternalError)
                : isWrite && conflict < _conflictRate ? FaultKind.Conflict
                : hasContinue && expire < _expireContinueRate ? FaultKind.ExpiredContinue
                : FaultKind.None;
            return new FaultDecision(_latencyMs, kind, _retryAfterSeconds, drop < _dropRate);
        }
    }

    private void Set(string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "latencyms": LatencyMs = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "conflictrate": ConflictRate = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "toomanyrequestsrate": TooManyRequestsRate = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "retryafterseconds": RetryAfterSeconds = int.Parse(value, CultureInfo.InvariantCulture); break;
            case "servererrorrate": ServerErrorRate = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "droprate": DropRate = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "expirecontinuerate": ExpireContinueRate = double.Parse(value, CultureInfo.InvariantCulture); break;
            case "seed": Seed = value is "null" or "" ? null : int.Parse(value, CultureInfo.InvariantCulture); break;
            default: throw new ArgumentException($"Unknown fault setting '{key}'.");
        }
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Write(Action write)
    {
        lock (_gate)
        {
            write();
        }
    }

    private static double Rate(double value) =>
        value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A fault rate is a fraction between 0 and 1.");

    private static int NonNegative(int value) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must not be negative.");
}
