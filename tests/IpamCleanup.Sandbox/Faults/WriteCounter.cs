using System.Collections.Concurrent;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Counts API writes by "verb resource" (e.g. <c>update ipamblocks</c>, <c>patch pods/status</c>):
/// applied ones (what tests assert, e.g. "-WhatIf wrote nothing") and attempted ones, separately.
/// Writes through <see cref="SandboxStore"/> directly are not counted.
/// </summary>
public sealed class WriteCounter
{
    private readonly ConcurrentDictionary<string, long> _applied = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _attempted = new(StringComparer.Ordinal);
    private long _requests;

    /// <summary>Writes applied successfully (dry runs excluded).</summary>
    public long Total => _applied.Values.Sum();

    /// <summary>Write requests received, whatever their outcome.</summary>
    public long AttemptedTotal => _attempted.Values.Sum();

    /// <summary>Every API request (reads, writes and discovery; admin calls excluded).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <param name="verb">create, update, patch or delete.</param>
    /// <param name="resource">A plural such as <c>ipamblocks</c>, or <c>pods/status</c>.</param>
    public long Count(string verb, string resource) => _applied.TryGetValue(Key(verb, resource), out var n) ? n : 0;

    public long AttemptedCount(string verb, string resource) => _attempted.TryGetValue(Key(verb, resource), out var n) ? n : 0;

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_applied, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> AttemptedSnapshot() => new SortedDictionary<string, long>(_attempted, StringComparer.Ordinal);

    public void Reset()
    {
        _applied.Clear();
        _attempted.Clear();
        Interlocked.Exchange(ref _requests, 0);
    }

    internal void RecordRequest() => Interlocked.Increment(ref _requests);

    internal void RecordAttempt(string verb, string resource) => _attempted.AddOrUpdate(Key(verb, resource), 1, (_, n) => n + 1);

    internal void RecordApplied(string verb, string resource) => _applied.AddOrUpdate(Key(verb, resource), 1, (_, n) => n + 1);

    private static string Key(string verb, string resource) => verb + " " + resource;
}
