using System.Text;
using System.Text.Json;

namespace IpamCleanup.Sandbox;

/// <summary>
/// Writes server-owned metadata into an object's bytes by splicing: existing values are replaced in
/// place and missing ones inserted at the start of <c>metadata</c>, so every other byte is kept as written.
/// </summary>
internal static class MetadataStamper
{
    /// <summary>Returns the stamped bytes with the labels range moved to its new offset.</summary>
    public static StampedJson Stamp(byte[] json, ObjectScan scan, MetadataStamp stamp)
    {
        var edits = new List<Edit>();
        var metadataInserts = new List<string>();
        AddField(edits, metadataInserts, "name", scan.Name, stamp.Name);
        AddField(edits, metadataInserts, "namespace", scan.Namespace, stamp.Namespace);
        AddField(edits, metadataInserts, "uid", scan.Uid, stamp.Uid);
        AddField(edits, metadataInserts, "resourceVersion", scan.ResourceVersion, stamp.ResourceVersion);
        AddField(edits, metadataInserts, "creationTimestamp", scan.CreationTimestamp, stamp.CreationTimestamp);
        if (stamp.Generation is { } generation)
        {
            var text = generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (scan.Generation.Exists)
            {
                edits.Add(new Edit(scan.Generation.Start, scan.Generation.End, text));
            }
            else
            {
                metadataInserts.Add("\"generation\":" + text);
            }
        }

        var rootInserts = new List<string>();
        if (!scan.ApiVersion.Exists && stamp.ApiVersion is not null)
        {
            rootInserts.Add("\"apiVersion\":" + Quote(stamp.ApiVersion));
        }

        if (!scan.Kind.Exists && stamp.Kind is not null)
        {
            rootInserts.Add("\"kind\":" + Quote(stamp.Kind));
        }

        if (metadataInserts.Count > 0)
        {
            if (scan.MetadataOpen >= 0)
            {
                var text = string.Join(",", metadataInserts) + (scan.MetadataHasProperties ? "," : "");
                edits.Add(new Edit(scan.MetadataOpen + 1, scan.MetadataOpen + 1, text));
            }
            else
            {
                rootInserts.Add("\"metadata\":{" + string.Join(",", metadataInserts) + "}");
            }
        }

        if (rootInserts.Count > 0)
        {
            var text = string.Join(",", rootInserts) + (scan.RootHasProperties ? "," : "");
            edits.Add(new Edit(scan.RootOpen + 1, scan.RootOpen + 1, text));
        }

        edits.Sort((a, b) => a.Start.CompareTo(b.Start));
        var (result, deltas) = Apply(json, edits);
        return new StampedJson(result, Shift(scan.Labels, deltas));
    }

    private static void AddField(List<Edit> edits, List<string> inserts, string name, ValueRange existing, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (existing.Exists)
        {
            edits.Add(new Edit(existing.Start, existing.End, Quote(value)));
        }
        else
        {
            inserts.Add("\"" + name + "\":" + Quote(value));
        }
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value, JsonDefaults.Options);

    private static (byte[] Result, List<(int Start, int Delta)> Deltas) Apply(byte[] json, List<Edit> edits)
    {
        var replacements = edits.Select(e => Encoding.UTF8.GetBytes(e.Text)).ToArray();
        var length = json.Length + edits.Select((e, i) => replacements[i].Length - (e.End - e.Start)).Sum();
        var result = new byte[length];
        var deltas = new List<(int Start, int Delta)>(edits.Count);
        var source = 0;
        var target = 0;
        for (var i = 0; i < edits.Count; i++)
        {
            var edit = edits[i];
            json.AsSpan(source, edit.Start - source).CopyTo(result.AsSpan(target));
            target += edit.Start - source;
            replacements[i].CopyTo(result.AsSpan(target));
            target += replacements[i].Length;
            source = edit.End;
            deltas.Add((edit.Start, replacements[i].Length - (edit.End - edit.Start)));
        }

        json.AsSpan(source).CopyTo(result.AsSpan(target));
        return (result, deltas);
    }

    // A range untouched by the edits moves by the size change of every edit before it.
    private static ValueRange Shift(ValueRange range, List<(int Start, int Delta)> deltas)
    {
        if (!range.Exists)
        {
            return range;
        }

        var offset = deltas.Where(d => d.Start < range.Start).Sum(d => d.Delta);
        return new ValueRange(range.Start + offset, range.End + offset);
    }

    private readonly record struct Edit(int Start, int End, string Text);
}
