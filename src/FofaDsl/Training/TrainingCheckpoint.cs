using System.Security.Cryptography;
using System.Text;
using FofaDsl.Methods;
using TorchSharp.Modules;
using TorchSharp;
using FofaDsl.Platform;
using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>
/// A resumable training checkpoint in one file: the run's position and history, the CPU random
/// generator, the step's modules (student and method modules), the optimizer and the step's own
/// state (FOFA's feedback). Written atomically: a temporary file, flushed to disk, then renamed over
/// the old one. Read back only after its length and SHA-256 check out and its fingerprint matches,
/// so a truncated, corrupt or foreign checkpoint is refused before anything is changed.
/// </summary>
public static class TrainingCheckpoint
{
    private const string Magic = "FOFACKPT";
    private const int FormatVersion = 1;

    /// <summary>Writes a checkpoint of <paramref name="step"/> and <paramref name="optimizer"/> at <paramref name="state"/>.</summary>
    public static void Save(string path, CheckpointState state, ITrainingStep step, optim.Optimizer optimizer, ModelEma? ema = null)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            WriteState(writer, state);
            using (var rng = get_rng_state())
            {
                var bytes = rng.data<byte>().ToArray();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
            writer.Write(step.StatefulModules.Count);
            foreach (var module in step.StatefulModules) module.save(writer);
            OptimizerState(optimizer).save_state_dict(writer);
            step.SaveState(writer);
            writer.Write(ema is not null);
            ema?.Save(writer);
        }

        var body = payload.ToArray();
        Platform.AtomicFile.Write(path, file =>
        {
            using var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
            writer.Write(Encoding.ASCII.GetBytes(Magic));
            writer.Write(FormatVersion);
            writer.Write(SHA256.HashData(body));
            writer.Write((long)body.Length);
            writer.Write(body);
        });
    }

    /// <summary>
    /// Restores <paramref name="step"/>, <paramref name="optimizer"/> and the random generator from
    /// <paramref name="path"/> and returns the run's position. Throws <see cref="InvalidDataException"/>
    /// naming the file for a truncated, corrupt or foreign checkpoint, before changing anything.
    /// </summary>
    public static CheckpointState Load(string path, string expectedFingerprint, ITrainingStep step, optim.Optimizer optimizer, ModelEma? ema = null)
    {
        var body = ReadVerifiedBody(path);
        using var reader = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var state = ReadState(reader);
        if (state.Fingerprint != expectedFingerprint)
            throw new InvalidDataException($"Checkpoint '{path}' belongs to '{state.Fingerprint}', not to '{expectedFingerprint}'. " +
                                           "Resume it with the experiment and method that wrote it, or start this one in another output folder.");

        var rng = reader.ReadBytes(reader.ReadInt32());
        var modules = reader.ReadInt32();
        if (modules != step.StatefulModules.Count)
            throw new InvalidDataException($"Checkpoint '{path}' holds {modules} modules; this step has {step.StatefulModules.Count}. It was written by another version of the method.");
        foreach (var module in step.StatefulModules) module.load(reader, strict: true);
        OptimizerState(optimizer).load_state_dict(reader);
        step.LoadState(reader);
        var hasEma = reader.ReadBoolean();
        if (hasEma != (ema is not null))
            throw new InvalidDataException($"Checkpoint '{path}' was written {(hasEma ? "with" : "without")} a model EMA; this run has {(ema is null ? "none" : "one")}. Match --ema-decay (or [Schedule(EmaDecay = ...)]) to the run that wrote it.");
        if (hasEma) ema!.Load(reader);
        using (var state_ = tensor(rng, ScalarType.Byte)) set_rng_state(state_);
        return state;
    }

    /// <summary>Reads the position and history only (e.g. to report on a finished run), verifying the file first.</summary>
    public static CheckpointState Peek(string path)
    {
        using var reader = new BinaryReader(new MemoryStream(ReadVerifiedBody(path)), Encoding.UTF8);
        return ReadState(reader);
    }

    private static byte[] ReadVerifiedBody(string path)
    {
        if (InputFile.Problem(path) is { } problem) throw new FileNotFoundException($"Checkpoint '{path}' {problem}.", path);
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        string Fix() => Path.GetFileName(path) switch
        {
            // resume reads last.ckpt; best.ckpt holds the same kind of state, from the best epoch.
            "last.ckpt" when File.Exists(Path.Combine(Path.GetDirectoryName(path) ?? ".", "best.ckpt")) =>
                $"To continue from the best epoch instead, copy best.ckpt over it (cp '{Path.Combine(Path.GetDirectoryName(path) ?? ".", "best.ckpt")}' '{path}') and run resume again; or start the run again.",
            "best.ckpt" => "Evaluate or export last.ckpt beside it instead (--checkpoint .../last.ckpt), or train the method again.",
            _ => "Pass another checkpoint of the run (checkpoints/<method>/last.ckpt or best.ckpt), or train the method again.",
        };
        var header = reader.BaseStream.Length >= Magic.Length + 4 + 32 + 8 ? reader.ReadBytes(Magic.Length) : [];
        if (Encoding.ASCII.GetString(header) != Magic) throw new InvalidDataException($"'{path}' is not a FofaDsl checkpoint (no {Magic} header). {Fix()}");
        var version = reader.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this FofaDsl reads version {FormatVersion}.");
        var hash = reader.ReadBytes(32);
        var length = reader.ReadInt64();
        if (length < 0 || length != reader.BaseStream.Length - reader.BaseStream.Position)
            throw new InvalidDataException($"Checkpoint '{path}' is truncated: {reader.BaseStream.Length - reader.BaseStream.Position} of {length} bytes. {Fix()}");
        var body = reader.ReadBytes((int)length);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(hash)) throw new InvalidDataException($"Checkpoint '{path}' is corrupt (checksum mismatch). {Fix()}");
        return body;
    }

    private static void WriteState(BinaryWriter writer, CheckpointState state)
    {
        writer.Write(state.Fingerprint);
        writer.Write(state.CompletedEpochs);
        writer.Write(state.StepInEpoch);
        writer.Write(state.GlobalStep);
        writer.Write(state.BestTop1);
        writer.Write(state.EpochSums.Count);
        foreach (var (name, value) in state.EpochSums)
        {
            writer.Write(name);
            writer.Write(value);
        }
        writer.Write(state.History.Count);
        foreach (var report in state.History)
        {
            writer.Write(report.Epoch);
            writer.Write(report.TestTop1);
            writer.Write(report.Elapsed.Ticks);
            writer.Write(report.MeanTerms.Count);
            foreach (var (name, value) in report.MeanTerms)
            {
                writer.Write(name);
                writer.Write(value);
            }
        }
    }

    private static CheckpointState ReadState(BinaryReader reader)
    {
        var fingerprint = reader.ReadString();
        var epochs = reader.ReadInt32();
        var stepInEpoch = reader.ReadInt32();
        var globalStep = reader.ReadInt64();
        var best = reader.ReadDouble();
        var sums = new Dictionary<string, double>();
        for (var n = reader.ReadInt32(); n > 0; n--) sums[reader.ReadString()] = reader.ReadDouble();
        var history = new List<EpochReport>();
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var epoch = reader.ReadInt32();
            var top1 = reader.ReadDouble();
            var elapsed = TimeSpan.FromTicks(reader.ReadInt64());
            var terms = new Dictionary<string, double>();
            for (var n = reader.ReadInt32(); n > 0; n--) terms[reader.ReadString()] = reader.ReadDouble();
            history.Add(new EpochReport(epoch, terms, top1, elapsed));
        }
        return new CheckpointState(fingerprint, epochs, stepInEpoch, globalStep, best, history, sums);
    }

    private static OptimizerHelper OptimizerState(optim.Optimizer optimizer) =>
        optimizer as OptimizerHelper ?? throw new NotSupportedException($"Optimizer {optimizer.GetType().Name} cannot be checkpointed.");
}
