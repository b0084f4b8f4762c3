using System.Security.Cryptography;
using Refinery.Storage;

namespace Refinery.Storage.Tests;

public sealed class VerifyingStreamTests
{
    [Fact]
    public async Task Finish_HashesEveryByte_IncludingThoseTheReaderLeftUnread()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        await using var stream = new VerifyingStream(new MemoryStream(bytes));
        await stream.ReadExactlyAsync(new byte[1000]);

        var sha256 = await stream.FinishAsync(default);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), sha256);
        Assert.Equal(bytes.Length, stream.BytesRead);
    }
}
