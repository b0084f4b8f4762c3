using Refinery.Text.Dedup;

namespace Refinery.Text.Tests.Dedup;

public sealed class ClusterLabelsTests
{
    // Documents 0..5 with id_ints 40..45. 0, 2 and 4 share a text (key 7); 1 is a near copy of 0; 3 is alone but an
    // earlier corpus had its text; 5 is alone.
    private static readonly UInt128[] Keys = [7, 8, 7, 9, 7, 10];

    private static UnionFind Linked()
    {
        var components = new UnionFind([40UL, 41UL, 42UL, 43UL, 44UL, 45UL]);
        components.Union(0, 1);
        components.Union(0, 2);
        components.Union(0, 4);
        return components;
    }

    [Fact]
    public void TheFirstOccurrenceOfAText_IsNoExactDuplicate_ButEveryMemberSharingItIsLabelledExact()
    {
        var components = Linked();
        var earlier = new ulong?[] { null, null, null, 99, null, null };
        var chosen = KeepRule.First.Choose(components, i => earlier[i] is not null);

        var (labels, counts) = ClusterLabels.Of(components, i => Keys[i], new bool[6], earlier, chosen);

        Assert.Equal([0, 1, 2, 3, 4], labels.Select(l => l.Document));
        Assert.All(labels, l => Assert.Equal(l.Document == 3 ? 43UL : 40UL, l.ClusterId));
        Assert.Equal([true, false, true, true, true], labels.Select(l => l.Exact));
        Assert.Equal([true, false, false, false, false], labels.Select(l => l.Keep));
        Assert.Equal(new ClusterCounts(Clusters: 1, Clustered: 5, Removed: 4, ExactDuplicates: 2, EarlierCorpusDuplicates: 1), counts);
    }

    [Fact]
    public void WhenTheKeptMemberIsANearCopy_TheExactCopiesStillCountOnceEachAfterTheFirst()
    {
        var components = Linked();
        var chosen = new Dictionary<int, int> { [components.Find(0)] = 1 };

        var (labels, counts) = ClusterLabels.Of(components, i => Keys[i], new bool[6], new ulong?[6], chosen);

        Assert.Equal([false, true, false, false], labels.Select(l => l.Keep));
        Assert.Equal(2, counts.ExactDuplicates);
        Assert.Equal(3, counts.Removed);
    }

    [Fact]
    public void WithoutKeys_NothingIsExactByItsText_ButBloomCopiesAre()
    {
        var components = Linked();
        var copies = new bool[6];
        copies[5] = true;
        var chosen = KeepRule.First.Choose(components, i => copies[i]);

        var (labels, counts) = ClusterLabels.Of(components, null, copies, new ulong?[6], chosen);

        Assert.Equal([false, false, false, false, true], labels.Select(l => l.Exact));
        Assert.Equal(5, labels[^1].Document);
        Assert.False(labels[^1].Keep);
        Assert.Equal(1, counts.ExactDuplicates);
    }
}
