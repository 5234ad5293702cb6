using System.CommandLine;
using System.Runtime.InteropServices;
using FofaDsl.Data;
using FofaDsl.Distributed;
using FofaDsl.Platform;
using FofaDsl.Training;
using TorchSharp;

namespace FofaDsl.Hosting;

/// <summary>Runs a declared experiment from its generated <c>RunAsync(args)</c>: parses the command line and runs the verb.</summary>
public static class ExperimentHost
{
    /// <summary>
    /// Parses <paramref name="args"/>, runs the command and returns the process exit code (0 ok, 1 failed, 2 bad arguments,
    /// 130 interrupted by Ctrl-C, 143 by SIGTERM). The first Ctrl-C or SIGTERM lets the current step finish, writes a
    /// checkpoint and says how to resume; a second Ctrl-C stops at once.
    /// </summary>
    public static async Task<int> RunAsync(ExperimentDefinition definition, string[] args, CancellationToken cancellation = default)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var received = 0;
        void OnSignal(PosixSignalContext context)
        {
            // A second signal keeps the default action: the process stops at once.
            if (Interlocked.CompareExchange(ref received, (int)context.Signal, 0) != 0) return;
            context.Cancel = true;
            Console.Error.WriteLine($"{(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl-C")}: finishing the current step and writing a checkpoint; press Ctrl-C again to stop at once.");
            interrupt.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var code = await RunAsync(definition, args, Console.Out, Console.Error, interrupt.Token);
        return code == Interrupted && received == (int)PosixSignal.SIGTERM ? 143 : code;
    }

    /// <summary>The exit code of a run stopped by Ctrl-C or by the caller's token (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Like <see cref="RunAsync(ExperimentDefinition, string[], CancellationToken)"/>, writing results and help to
    /// <paramref name="output"/> and errors to <paramref name="error"/>; progress bars are drawn only when
    /// <paramref name="output"/> is the console of an interactive terminal, plain lines otherwise.
    /// </summary>
    public static Task<int> RunAsync(ExperimentDefinition definition, string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default) =>
        Task.Run(() => Run(definition, args, output, error, cancellation), cancellation);

    private static int Run(ExperimentDefinition definition, string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        try
        {
            TorchRuntime.Configure();
        }
        catch (TorchRuntimeException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        ICommunicator world;
        try
        {
            // Launched by mpirun or srun with several ranks: join the job; otherwise nothing changes.
            world = Communicator.Join();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        if (world.Size == 1) return RunCommandLine(definition, args, output, error, cancellation);

        // Rank 0 speaks for the job; the others print only their errors, marked with their rank.
        if (!world.IsRoot) output = TextWriter.Null;
        var rankError = world.IsRoot ? error : new RankPrefixedWriter(error, world.Rank);
        int code;
        try
        {
            code = RunCommandLine(definition, args, output, rankError, cancellation);
        }
        catch (Exception e)
        {
            rankError.WriteLine($"error: rank {world.Rank} of {world.Size} failed: {e}");
            code = 1;
        }
        if (code != 0)
        {
            // The other ranks may be waiting in a collective for this one: end the whole job now, never hang.
            rankError.WriteLine($"rank {world.Rank} of {world.Size} exits {code}: stopping every rank of the job (MPI_Abort).");
            rankError.Flush();
            world.Abort(code);
        }
        Communicator.Leave();
        return code;
    }

    private static int RunCommandLine(ExperimentDefinition definition, string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var commandLine = new ExperimentCommandLine(definition.Name, options => Execute(definition, options, output, error, cancellation));
        var parse = commandLine.Root.Parse(args);
        var errors = ExperimentCommandLine.Errors(parse, args);
        if (errors.Count > 0)
        {
            foreach (var message in errors) error.WriteLine(message);
            error.WriteLine($"Run with --help for the commands and options.");
            return 2;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static int Execute(ExperimentDefinition definition, RunOptions options, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        ExperimentDefinition experiment;
        RunRecord? resumed;
        try
        {
            // Method names and the resolved schedule are checked before anything heavy starts: a typo or an impossible override is a usage error.
            options.SelectMethods(definition);
            options.ValidateSeeds();
            resumed = ResumedRun(definition, options);
            // A resume continues with the run's recorded settings; the options given on this command line apply on top.
            experiment = Resolve(resumed?.Restore(definition) ?? definition, options);
            if (options.Method is { } method && definition.FindMethod(method) is null && method != MethodCheckpoint.TeacherMethod)
                throw new UsageException($"Unknown method '{method}' in --method. {definition.Name} declares: {string.Join(", ", definition.Methods.Select(m => m.Name))} (and 'teacher' for its teacher's checkpoints).");
        }
        catch (Exception e) when (e is ArgumentException or UsageException)
        {
            error.WriteLine(e.Message);
            error.WriteLine("Run with --help for the commands and options.");
            return 2;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The manifest of the run to resume could not be read.
            error.WriteLine($"error: {e.Message}");
            return 1;
        }

        try
        {
            // Under several ranks only train, compare and resume are data-parallel; rank 0 runs any other verb alone.
            if (!Communicator.World.IsRoot && options.Command is "check" or "eval" or "export") return 0;
            torch.set_num_threads(options.Threads ?? TorchRuntime.DefaultThreads);
            var device = DeviceSelection.Resolve(experiment.Device);
            DeviceSelection.ConfigureMath(device, options.AllowTf32);
            // Every verb that computes first checks that this CPU computes the experiment's convolutions right.
            var selfCheck = options.Command == "export" ? null : SelfCheck.Run(experiment, options.SelectMethods(experiment), options, device, output);
            var context = new CommandContext(experiment, options, device, output, cancellation)
            {
                Resumed = resumed,
                Adopted = resumed?.Adopted(definition, options) ?? [],
                SelfCheck = selfCheck,
            };
            switch (options.Command)
            {
                case "check": CheckCommand.Run(context); break;
                case "eval": EvaluationCommand.Run(context); break;
                case "export": ExportCommand.Run(context); break;
                default: TrainingCommand.Run(context); break;
            }
            return 0;
        }
        catch (UsageException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        catch (OperationCanceledException e) when (cancellation.IsCancellationRequested)
        {
            var where = e is TrainingInterruptedException stopped ? stopped.Message : "It stopped before training had started; nothing was lost.";
            error.WriteLine($"interrupted: {where} Continue with: resume --out {CommandContext.OutputFolder(experiment)}");
            return Interrupted;
        }
        catch (Exception e) when (e is DatasetFormatException or NonFiniteLossException or ArgumentException or IOException or InvalidDataException or Weights.WeightLoadException or Backbones.StageGeometryMismatchException or ConvolutionDefectException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The manifest of the run a <c>resume</c> (or <c>--resume</c>) continues in the output folder, or null (no resume, or no manifest).
    /// An unreadable one stops <c>resume</c>, which needs its verb and methods (<see cref="InvalidDataException"/>); <c>train
    /// --resume</c> and <c>compare --resume</c> then go on with the command line as given.
    /// </summary>
    private static RunRecord? ResumedRun(ExperimentDefinition definition, RunOptions options)
    {
        if (!options.Resume || options.Command is not ("resume" or "train" or "compare")) return null;
        var folder = CommandContext.OutputFolder(definition with { OutputDirectory = options.OutputDirectory ?? definition.OutputDirectory });
        try
        {
            return RunRecord.Read(folder, definition);
        }
        catch (InvalidDataException) when (options.Command != "resume")
        {
            return null;
        }
    }

    /// <summary>The declaration with every command-line override applied; throws <see cref="ArgumentException"/> for an impossible schedule.</summary>
    private static ExperimentDefinition Resolve(ExperimentDefinition definition, RunOptions options)
    {
        var resolved = options.Apply(definition);
        resolved.Schedule.Validate();
        // Where it runs and writes are not settings of the run (a resume may move either).
        return resolved with
        {
            Device = options.Device ?? definition.Device,
            OutputDirectory = options.OutputDirectory ?? definition.OutputDirectory,
        };
    }
}
