using System.CommandLine;
using Refinery.Host.Cli;

// The table of contents of the one Refinery binary: every verb, nothing else.
var root = new RootCommand("Refinery: ingest web text, compute quality signals, deduplicate, cut datasets, train, evaluate and serve.")
{
    ServeCommand.Create(),
    IngestCommand.Create(),
    DemoCommand.Create(),
    BenchCommand.Create(),
    SignalsCommand.Create(),
    DedupCommand.Create(),
    FilterCommand.Create(),
    DatasetCommand.Create(),
    TrainCommand.Create(),
    GcCommand.Create(),
    ResourcesCommand.Create(),
    DbCommand.Create(),
};
return await root.Parse(ServeCommand.DefaultToServe(args)).InvokeAsync();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
