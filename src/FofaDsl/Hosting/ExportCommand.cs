namespace FofaDsl.Hosting;

/// <summary><c>export</c>: the trained student of a checkpoint as safetensors, for deployment (PyTorch-readable, timm/torchvision names).</summary>
internal static class ExportCommand
{
    public static void Run(CommandContext context)
    {
        var path = context.Options.Checkpoint ?? EvaluationCommand.DefaultCheckpoint(context);
        var target = context.Options.ExportTo ?? Path.ChangeExtension(path, ".safetensors");
        if (!target.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--to {target}: export writes safetensors; give the file the .safetensors extension.");

        var (train, _) = ExperimentData.Load(context.Experiment.Data);
        using var restored = MethodCheckpoint.Restore(context, path, context.Options.Method, train.Count);
        var folder = Path.GetDirectoryName(Path.GetFullPath(target));
        if (folder is not null) Directory.CreateDirectory(folder);
        ModelWeights.Save(restored.Step.Student, target);
        context.Output.WriteLine($"exported the {restored.Method} student of {path} (epoch {restored.State.CompletedEpochs}, step {restored.State.GlobalStep}) to {target}");
    }
}
