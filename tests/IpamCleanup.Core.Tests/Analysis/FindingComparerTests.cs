using IpamCleanup.Core.Analysis;

namespace IpamCleanup.Core.Tests.Analysis;

public class FindingComparerTests
{
    private static TestCluster Leaky(ulong sequence = 42, string blockRv = "brv-1", string handleRv = "rv-orphan") =>
        new TestCluster { AutoHandles = true }.Pool("10.0.0.0/16").Node("node-a")
            .Pod(TestCluster.RunningPod("default", "web", "node-a", "10.0.0.5"))
            .Block("10.0.0.0/26", "host:node-a", b =>
            {
                b.Pod(1, "default", "gone", "node-a", "test-handle", sequence: sequence);
                b.Pod(5, "default", "web", "node-a", TestCluster.PodHandle("w"));
                b.ResourceVersion = blockRv;
            })
            .EmptyBlock("10.0.0.64/26", "host:node-a")
            .Handle("orphan")
            .Affinity("dead", "10.0.1.0/26");

    [Fact]
    public void The_same_problems_seen_twice_are_confirmed()
    {
        var earlier = Leaky().Analyze().Findings;
        var later = Leaky().Analyze().Findings;

        var confirmed = FindingComparer.Intersect(earlier, later);

        Assert.Equal(later.Count, confirmed.Count);
        Assert.Contains(confirmed, f => f.Kind == FindingKind.LeakedIp);
        Assert.Contains(confirmed, f => f.Kind == FindingKind.EmptyBlock);
        Assert.Contains(confirmed, f => f.Kind == FindingKind.OrphanHandle);
        Assert.Contains(confirmed, f => f.Kind == FindingKind.OrphanAffinity);
    }

    [Fact]
    public void Address_reallocated_between_observations_is_not_confirmed()
    {
        // §6 scenario 25: same handle and address, new sequence number.
        var earlier = Leaky(sequence: 10).Analyze().Findings;
        var later = Leaky(sequence: 11).Analyze().Findings;

        var confirmed = FindingComparer.Intersect(earlier, later);

        Assert.DoesNotContain(confirmed, f => f.Kind == FindingKind.LeakedIp);
    }

    [Fact]
    public void Address_stays_confirmed_when_only_the_block_resource_version_changed()
    {
        // Other ordinals of the block were written in between; the leak itself is unchanged.
        var earlier = Leaky(blockRv: "brv-1").Analyze().Findings;
        var later = Leaky(blockRv: "brv-7").Analyze().Findings;

        var confirmed = FindingComparer.Intersect(earlier, later);

        Assert.Single(confirmed, f => f.Kind == FindingKind.LeakedIp);
    }

    [Fact]
    public void Object_findings_need_an_unchanged_resource_version()
    {
        var earlier = Leaky().Analyze().Findings.ToList();
        var later = earlier.Select(f => f with
        {
            HandleResourceVersion = f.Kind == FindingKind.OrphanHandle ? "rv-new" : f.HandleResourceVersion,
            AffinityResourceVersion = f.Kind == FindingKind.OrphanAffinity ? "arv-new" : f.AffinityResourceVersion,
            BlockResourceVersion = f.Kind == FindingKind.EmptyBlock ? "brv-new" : f.BlockResourceVersion,
        }).ToList();

        var confirmed = FindingComparer.Intersect(earlier, later);

        Assert.Equal(new[] { FindingKind.LeakedIp }, confirmed.Select(f => f.Kind));
    }

    [Fact]
    public void Recreated_handle_with_a_new_uid_is_not_confirmed()
    {
        // §6 scenario 5: the handle was deleted and re-created in between.
        var earlier = Leaky().Analyze().Of(FindingKind.OrphanHandle);
        var later = earlier.Select(f => f with { HandleUid = "another-uid" }).ToList();

        Assert.Empty(FindingComparer.Intersect(earlier, later));
    }

    [Fact]
    public void Later_values_are_returned_and_unmatched_findings_dropped()
    {
        var earlier = Leaky().Analyze().Findings.Where(f => f.Kind != FindingKind.EmptyBlock).ToList();
        var later = Leaky().Analyze().Findings.Select(f => f with { Reason = "later" }).ToList();

        var confirmed = FindingComparer.Intersect(earlier, later);

        Assert.DoesNotContain(confirmed, f => f.Kind == FindingKind.EmptyBlock);
        Assert.All(confirmed, f => Assert.Equal("later", f.Reason));
    }

    [Fact]
    public void Findings_of_another_cluster_never_match()
    {
        var earlier = Leaky().Analyze().Findings;
        var later = earlier.Select(f => f with { ClusterGuid = "other" }).ToList();

        Assert.Empty(FindingComparer.Intersect(earlier, later));
    }
}
