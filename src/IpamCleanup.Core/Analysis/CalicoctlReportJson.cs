using System.Text.Json;

namespace IpamCleanup.Core.Analysis;

/// <summary>The field names and order of calicoctl's Go structs (Report, Allocation, HandleInfo).</summary>
internal static class CalicoctlReportJson
{
    public static void Write(Utf8JsonWriter writer, CalicoctlReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("version", report.Version);
        writer.WriteString("clusterGUID", report.ClusterGuid);
        writer.WriteBoolean("datastoreLocked", report.DatastoreLocked);
        writer.WriteString("clusterInformationRevision", report.ClusterInformationRevision);
        writer.WriteString("clusterType", report.ClusterType);
        writer.WriteStartObject("allocations");
        foreach (var (ip, entries) in report.Allocations.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteStartArray(ip);
            foreach (var entry in entries)
            {
                WriteAllocation(writer, entry);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        if (report.LeakedHandles.Count > 0)
        {
            writer.WriteStartArray("leakedHandles");
            foreach (var handle in report.LeakedHandles)
            {
                writer.WriteStartObject();
                writer.WriteString("ID", handle.Id);
                if (handle.Uid is null)
                {
                    writer.WriteNull("UID");
                }
                else
                {
                    writer.WriteString("UID", handle.Uid);
                }

                writer.WriteString("Revision", handle.Revision);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static CalicoctlReport Read(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "the report");
        var allocations = new Dictionary<string, IReadOnlyList<CalicoctlAllocation>>(StringComparer.Ordinal);
        if (root.TryGetProperty("allocations", out var map) && map.ValueKind != JsonValueKind.Null)
        {
            Expect(map, JsonValueKind.Object, "allocations");
            foreach (var property in map.EnumerateObject())
            {
                Expect(property.Value, JsonValueKind.Array, "allocations[\"" + property.Name + "\"]");
                allocations[property.Name] = property.Value.EnumerateArray().Select(ReadAllocation).ToArray();
            }
        }
        else
        {
            throw new FormatException("it has no \"allocations\" map");
        }

        var handles = new List<CalicoctlLeakedHandle>();
        if (root.TryGetProperty("leakedHandles", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            Expect(list, JsonValueKind.Array, "leakedHandles");
            foreach (var handle in list.EnumerateArray())
            {
                Expect(handle, JsonValueKind.Object, "a leakedHandles entry");
                handles.Add(new CalicoctlLeakedHandle(
                    RequiredString(handle, "ID"),
                    OptionalString(handle, "UID"),
                    OptionalString(handle, "Revision") ?? string.Empty));
            }
        }

        return new CalicoctlReport(
            OptionalString(root, "version") ?? string.Empty,
            RequiredString(root, "clusterGUID"),
            OptionalBool(root, "datastoreLocked") ?? false,
            OptionalString(root, "clusterInformationRevision") ?? string.Empty,
            OptionalString(root, "clusterType") ?? string.Empty,
            allocations,
            handles);
    }

    private static void WriteAllocation(Utf8JsonWriter writer, CalicoctlAllocation entry)
    {
        writer.WriteStartObject();
        writer.WriteString("ip", entry.IP);
        WriteIfSet(writer, "handle", entry.Handle);
        if (entry.SequenceNumber is { } sequence)
        {
            writer.WriteNumber("sequenceNumber", sequence);
        }

        WriteIfSet(writer, "pod", entry.Pod);
        WriteIfSet(writer, "namespace", entry.Namespace);
        WriteIfSet(writer, "node", entry.Node);
        WriteIfSet(writer, "type", entry.Type);
        WriteIfSet(writer, "creationTimestamp", entry.CreationTimestamp);
        writer.WriteBoolean("inUse", entry.InUse);
        if (entry.Borrowed)
        {
            writer.WriteBoolean("borrowed", true);
        }

        if (entry.CoolingDown)
        {
            writer.WriteBoolean("coolingDown", true);
        }

        if (entry.Owners is { Count: > 0 } owners)
        {
            writer.WriteStartArray("owners");
            foreach (var owner in owners)
            {
                writer.WriteStringValue(owner);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("owners");
        }

        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        // Go's omitempty drops empty strings as well as missing ones.
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }

    private static CalicoctlAllocation ReadAllocation(JsonElement element)
    {
        Expect(element, JsonValueKind.Object, "an allocation");

        // inUse is always written by calicoctl; a report without it must not read as "everything leaked".
        var inUse = OptionalBool(element, "inUse") ?? throw new FormatException("an allocation has no \"inUse\" field");
        ulong? sequence = null;
        if (element.TryGetProperty("sequenceNumber", out var number) && number.ValueKind != JsonValueKind.Null)
        {
            sequence = number.ValueKind == JsonValueKind.Number && number.TryGetUInt64(out var value)
                ? value
                : throw new FormatException("sequenceNumber is not an unsigned 64-bit number");
        }

        IReadOnlyList<string>? owners = null;
        if (element.TryGetProperty("owners", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            Expect(list, JsonValueKind.Array, "owners");
            owners = list.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.String ? o.GetString()! : throw new FormatException("an owner is not a string")).ToArray();
        }

        return new CalicoctlAllocation(
            RequiredString(element, "ip"),
            OptionalString(element, "handle"),
            sequence,
            OptionalString(element, "pod"),
            OptionalString(element, "namespace"),
            OptionalString(element, "node"),
            OptionalString(element, "type"),
            OptionalString(element, "creationTimestamp"),
            inUse,
            OptionalBool(element, "borrowed") ?? false,
            OptionalBool(element, "coolingDown") ?? false,
            owners);
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string what)
    {
        if (element.ValueKind != kind)
        {
            throw new FormatException(what + " is " + element.ValueKind + ", expected " + kind);
        }
    }

    private static string RequiredString(JsonElement element, string name) =>
        OptionalString(element, name) ?? throw new FormatException("\"" + name + "\" is missing");

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException("\"" + name + "\" is not a string");
    }

    private static bool? OptionalBool(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException("\"" + name + "\" is not a boolean"),
        };
    }
}
