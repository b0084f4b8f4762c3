namespace Refinery.Text.Dedup;

/// <summary>Connected components over documents 0..n−1 (path halving, union by size). Each component also tracks the
/// smallest key of its members, which RPv2 uses as the cluster id (the smallest id_int).</summary>
public sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;
    private readonly ulong[] _minKey;

    public UnionFind(IReadOnlyList<ulong> keys)
    {
        _parent = new int[keys.Count];
        _size = new int[keys.Count];
        _minKey = new ulong[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            _parent[i] = i;
            _size[i] = 1;
            _minKey[i] = keys[i];
        }
    }

    public int Count => _parent.Length;

    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>Joins the components of <paramref name="a"/> and <paramref name="b"/>; false if they were one already.</summary>
    public bool Union(int a, int b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra == rb) return false;
        if (_size[ra] < _size[rb]) (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _size[ra] += _size[rb];
        _minKey[ra] = Math.Min(_minKey[ra], _minKey[rb]);
        return true;
    }

    public bool Connected(int a, int b) => Find(a) == Find(b);

    /// <summary>The number of members of <paramref name="x"/>'s component.</summary>
    public int SizeOf(int x) => _size[Find(x)];

    /// <summary>The smallest key in <paramref name="x"/>'s component.</summary>
    public ulong MinKeyOf(int x) => _minKey[Find(x)];
}
