using System.Buffers.Binary;
using System.Security.Cryptography;
using Refinery.Text.Hashing;

namespace Refinery.Text.Tests.Hashing;

public sealed class Sha1Tests
{
    [Fact]
    public void Hash_EqualsPlatformSha1_ForEveryLengthAcrossBlockBoundaries()
    {
        var random = new Random(1);
        var digest = new byte[20];
        for (var length = 0; length < 300; length++)
        {
            var message = new byte[length];
            random.NextBytes(message);
            Sha1.Hash(message, digest);
            Assert.Equal(SHA1.HashData(message), digest);
        }
    }

    [Fact]
    public void MultiBuffer_EqualsScalar_OnRandomMessagesOfMixedLengths()
    {
        var random = new Random(2);
        var messages = Enumerable.Range(0, 1003).Select(_ => { var m = new byte[random.Next(0, 260)]; random.NextBytes(m); return m; }).ToArray();
        var data = messages.SelectMany(m => m).ToArray();
        var starts = new int[messages.Length];
        var ends = new int[messages.Length];
        for (int i = 0, offset = 0; i < messages.Length; i++)
        {
            starts[i] = offset;
            offset += messages[i].Length;
            ends[i] = offset;
        }
        var hashes = new uint[messages.Length];
        Sha1Multi.Hash32(data, starts, ends, hashes);
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(Sha1.Hash32(messages[i]), hashes[i]);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(SHA1.HashData(messages[i])), hashes[i]);
        }
    }
}
