using Refinery.Host.Cli;

// Every verb is listed in Cli/Verbs.cs; a run builds only the one it names.
var arguments = ServeCommand.DefaultToServe(args);
return await Verbs.Root(arguments).Parse(arguments).InvokeAsync();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
