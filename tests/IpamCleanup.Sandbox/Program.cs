using System.Runtime.InteropServices;

namespace IpamCleanup.Sandbox;

/// <summary>The sandbox as a process, for Pester tests, demos and manual kubectl sessions.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(e.Message + Environment.NewLine + CommandLine.Usage).ConfigureAwait(false);
            return 2;
        }

        if (commandLine.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        if (commandLine.WriteListPath is { } listPath)
        {
            var spec = ScenarioSpec.Parse(commandLine.Options.GenerateSpec!) with { Layout = commandLine.Options.Layout };
            ScenarioGenerator.Generate(spec).WriteList(listPath);
            return 0;
        }

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        await using var server = await SandboxServer.StartAsync(commandLine.Options).ConfigureAwait(false);
        if (commandLine.KubeconfigPath is { } kubeconfig)
        {
            server.WriteKubeconfig(kubeconfig);
        }

        Console.Out.WriteLine("listening on " + server.BaseUri.GetLeftPart(UriPartial.Authority));
        Console.Out.Flush();
        if (!commandLine.IgnoreStdin)
        {
            // A parent that started us with a pipe on stdin stops us by closing it, even if it dies first.
            new Thread(() =>
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }

                stopped.TrySetResult();
            })
            { IsBackground = true, Name = "stdin watcher" }.Start();
        }

        await stopped.Task.ConfigureAwait(false);
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopped.TrySetResult();
        }
    }
}
