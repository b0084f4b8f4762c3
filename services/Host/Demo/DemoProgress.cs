using System.Diagnostics;

namespace Refinery.Host.Demo;

/// <summary>Progress on stderr: a status line rewritten in place on a terminal; on a pipe only stage starts,
/// notes and ends, so logs stay readable.</summary>
public sealed class DemoProgress(TextWriter writer, bool quiet)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = new();
    private string _stage = "";
    private int _pending;

    public void StartStage(string title)
    {
        _stage = title;
        _clock.Restart();
        if (!_interactive) Write($"» {title}");
        else Update("starting");
    }

    public void Update(string status)
    {
        if (quiet || !_interactive) return;
        var text = $"» {_stage}: {status}";
        writer.Write('\r' + text.PadRight(_pending));
        _pending = text.Length;
    }

    public void Note(string message) => Write($"  {message}");

    public void EndStage() => Write($"✓ {_stage} ({_clock.Elapsed.TotalSeconds:F1} s)");

    private void Write(string line)
    {
        if (quiet) return;
        if (_pending > 0) writer.Write('\r' + new string(' ', _pending) + '\r');
        _pending = 0;
        writer.WriteLine(line);
    }
}
