using System.Text.Json;
using System.Text.Json.Nodes;
using IpamCleanup.Core;
using IpamCleanup.Core.Naming;
using IpamCleanup.Core.Release;

namespace IpamCleanup.Kubernetes.Release;

/// <summary>
/// Saves, before the first write of a run, every object the approved work items may change (blocks, handles,
/// affinities, read just now) as one kubectl <c>v1 List</c> with the objects exactly as the API returned them.
/// The file is written to a temporary name and moved into place, and an existing file is never overwritten.
/// </summary>
internal static class ReleaseBackup
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> WriteAsync(ReleaseRun run, string path, IReadOnlyList<ReleaseWorkItem> items, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            throw Failed(fullPath, "the file already exists", null);
        }

        var seen = new HashSet<(CalicoKind, string)>();
        var targets = Targets(items, seen);
        var deletedNodeBlocks = items.Where(i => i.Kind == ReleaseWorkKind.ReleaseDeletedNodeBlock).Select(i => i.ObjectName).ToHashSet(StringComparer.Ordinal);
        var objects = await ReadAllAsync(run, targets, cancellationToken).ConfigureAwait(false);

        // A deleted node's block may first have its leaked addresses released, which decrements their handles.
        var handleTargets = new List<(CalicoKind Kind, string Name)>();
        for (var index = 0; index < targets.Count; index++)
        {
            if (objects[index] is { } block && targets[index].Kind == CalicoKind.IpamBlock && deletedNodeBlocks.Contains(targets[index].Name))
            {
                foreach (var handle in new Core.Model.IpamBlockObject(block).Attributes.Select(a => a.SanitizedHandleId))
                {
                    if (!string.IsNullOrEmpty(handle) && !CalicoHandles.IsWindowsReserved(handle) && seen.Add((CalicoKind.IpamHandle, CalicoNames.HandleName(handle))))
                    {
                        handleTargets.Add((CalicoKind.IpamHandle, CalicoNames.HandleName(handle)));
                    }
                }
            }
        }

        var handles = await ReadAllAsync(run, handleTargets, cancellationToken).ConfigureAwait(false);
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = string.Empty },
            ["items"] = new JsonArray(objects.Concat(handles).Where(o => o is not null).Select(o => (JsonNode)o!).ToArray()),
        };

        var temporary = fullPath + ".partial-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var folder = Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            await using (stream.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(stream, list, Indented, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, fullPath, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw Failed(fullPath, e.Message, e);
        }

        var saved = objects.Concat(handles).Count(o => o is not null);
        run.Log($"Backed up {saved} object(s) about to change to {fullPath}.");
        return saved;
    }

    private static async Task<JsonObject?[]> ReadAllAsync(ReleaseRun run, List<(CalicoKind Kind, string Name)> targets, CancellationToken cancellationToken)
    {
        var objects = new JsonObject?[targets.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = run.Options.ThrottleLimit, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var (kind, name) = targets[index];
                await run.ThrottleAsync(1, token).ConfigureAwait(false);
                objects[index] = await run.Client.GetAsync(kind, name, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return objects;
    }

    /// <summary>Every object an item may write, each once, in plan order.</summary>
    private static List<(CalicoKind Kind, string Name)> Targets(IReadOnlyList<ReleaseWorkItem> items, HashSet<(CalicoKind, string)> seen)
    {
        var targets = new List<(CalicoKind Kind, string Name)>();
        void Add(CalicoKind kind, string? name)
        {
            if (!string.IsNullOrEmpty(name) && seen.Add((kind, name)))
            {
                targets.Add((kind, name));
            }
        }

        foreach (var item in items)
        {
            switch (item.Kind)
            {
                case ReleaseWorkKind.ReleaseIps:
                    Add(CalicoKind.IpamBlock, item.ObjectName);
                    foreach (var finding in item.Findings)
                    {
                        Add(CalicoKind.IpamHandle, ReleasePlanner.HandleNameOf(finding));
                    }

                    break;
                case ReleaseWorkKind.DeleteOrphanHandle:
                    Add(CalicoKind.IpamHandle, item.ObjectName);
                    break;
                case ReleaseWorkKind.DeleteOrphanAffinity:
                    Add(CalicoKind.BlockAffinity, item.ObjectName);
                    break;
                default:
                    Add(CalicoKind.IpamBlock, item.ObjectName);
                    Add(CalicoKind.BlockAffinity, ReleasePlanner.AffinityNameOf(item.Findings[0]));
                    break;
            }
        }

        return targets;
    }

    private static IpamCleanupException Failed(string path, string why, Exception? inner) => new(
        ReleaseErrorIds.BackupFailed,
        "WriteError",
        $"The backup could not be written to {path} ({why}); nothing was changed.",
        "Choose a -BackupPath that does not exist yet, in a folder you can write to.",
        path,
        inner);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The partial file is harmless; the error that matters is already being reported.
        }
    }
}
