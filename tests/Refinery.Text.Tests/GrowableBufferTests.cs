namespace Refinery.Text.Tests;

public sealed class GrowableBufferTests
{
    [Fact]
    public void Appends_AcrossGrowth_KeepEveryItemInOrder()
    {
        var buffer = new GrowableBuffer<int>(16);
        var expected = new List<int>();
        for (var i = 0; i < 1000; i++)
        {
            if (i % 10 == 0)
            {
                int[] run = [i, -i, i * 2];
                buffer.Append(run);
                expected.AddRange(run);
            }
            buffer.Append(i);
            expected.Add(i);
        }

        Assert.Equal(expected, buffer.Span.ToArray());
        Assert.Equal(expected, buffer.Memory.ToArray());
    }

    [Fact]
    public void Reserve_ThenSetLength_KeepsWhatWasWrittenPastTheLength()
    {
        var buffer = new GrowableBuffer<char>(16);
        buffer.Append("ab");
        var array = buffer.Reserve(100);
        "cdefghijklmnopqrstuvwxyz".CopyTo(array.AsSpan(buffer.Length));
        buffer.SetLength(26);
        buffer.Truncate(5);

        Assert.Equal("abcde", buffer.Span.ToString());
    }

    [Fact]
    public void AppendCodePoint_AboveTheBmp_WritesASurrogatePair()
    {
        var buffer = new GrowableBuffer<char>(16);
        buffer.AppendCodePoint('x');
        buffer.AppendCodePoint(0x1F600);

        Assert.Equal("x\U0001F600", buffer.Span.ToString());
    }

    [Fact]
    public void Clear_EmptiesTheBuffer_AndItFillsAgain()
    {
        var buffer = new GrowableBuffer<string>(16);
        for (var i = 0; i < 40; i++) buffer.Append($"s{i}");
        buffer.Clear();
        buffer.Append("again");

        Assert.Equal(["again"], buffer.Span.ToArray());
    }
}
