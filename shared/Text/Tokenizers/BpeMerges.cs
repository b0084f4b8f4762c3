namespace Refinery.Text.Tokenizers;

/// <summary>The merge list of a byte-level BPE given only its ranked tokens (tiktoken's form). Tiktoken encodes by
/// repeatedly joining the adjacent pair whose concatenation has the lowest rank; a merges file instead lists pairs in
/// priority order. For each multi-byte token, running tiktoken's procedure on the token's own bytes with only the
/// lower-ranked tokens allowed stops at two pieces: the pair BPE joins last to make it. Listed in rank order, those
/// pairs give the merge list (for GPT-2: "Ġ t", "Ġ a", "h e", …).</summary>
public static class BpeMerges
{
    /// <summary>One merge per multi-byte token, in rank order, each as its two pieces in the byte-level alphabet.</summary>
    /// <param name="tokens">Token bytes indexed by rank; the 256 single bytes among them.</param>
    /// <exception cref="InvalidDataException">A token that the lower-ranked tokens cannot build in exactly one last
    /// step.</exception>
    public static IReadOnlyList<(string Left, string Right)> FromRanks(IReadOnlyList<byte[]> tokens)
    {
        var ranks = new Dictionary<string, int>(tokens.Count);
        for (var rank = 0; rank < tokens.Count; rank++) ranks.Add(ByteLevelAlphabet.Encode(tokens[rank]), rank);

        var merges = new List<(string, string)>(tokens.Count);
        for (var rank = 0; rank < tokens.Count; rank++)
        {
            if (tokens[rank].Length < 2) continue;
            var pieces = JoinBelow(ByteLevelAlphabet.Encode(tokens[rank]), rank, ranks);
            if (pieces.Count != 2)
                throw new InvalidDataException(
                    $"token {rank} ('{ByteLevelAlphabet.Encode(tokens[rank])}') ends as {pieces.Count} pieces with lower-ranked tokens, not 2");
            merges.Add((pieces[0], pieces[1]));
        }
        return merges;
    }

    /// <summary>Tiktoken's byte-pair procedure on <paramref name="word"/>, joining only pairs whose concatenation
    /// ranks below <paramref name="limit"/>; the pieces it ends with.</summary>
    private static List<string> JoinBelow(string word, int limit, Dictionary<string, int> ranks)
    {
        var pieces = word.Select(c => c.ToString()).ToList();
        while (pieces.Count > 1)
        {
            var (best, bestRank) = (-1, limit);
            for (var i = 0; i + 1 < pieces.Count; i++)
                if (ranks.TryGetValue(pieces[i] + pieces[i + 1], out var rank) && rank < bestRank)
                    (best, bestRank) = (i, rank);
            if (best < 0) break;
            pieces[best] += pieces[best + 1];
            pieces.RemoveAt(best + 1);
        }
        return pieces;
    }
}
