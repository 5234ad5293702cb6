using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FofaDsl.Backbones;
using FofaDsl.Methods;
using FofaDsl.Methods.Fofa;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FofaDsl.GpuBench;

/// <summary>
/// <c>export-fofa --pair P --batch N --out DIR [--dtype float64|float32]</c>: the FOFA step of <c>step --kind fofa</c>, built
/// the same way from the same seed, with everything it reads written out, so that eng/gpu/eager_reference.py
/// (<c>check-fofa --dir DIR</c>) can load the same weights into its PyTorch modules and compare what both compute.
/// </summary>
/// <remarks>
/// <para>Files: <c>weights.safetensors</c> (the state dicts under <c>teacher.</c>, <c>student.</c> and <c>fofa.</c> with
/// TorchSharp's names, and the inputs under <c>input.step1.images</c>, <c>input.step1.labels</c>, <c>input.step2.*</c>);
/// <c>grads.safetensors</c> (<c>step1.student.*</c>, <c>step1.fofa.*</c>, <c>step2.*</c>: the gradient of every trainable
/// parameter that has one); <c>expected.json</c> (settings, each step's loss terms and total, each gradient's norm).</para>
/// <para>Two steps, both in training mode as the bench times them, with no optimizer step between (the weights stay those
/// of the file): step 1 starts without feedback (the fusion blocks are skipped, as on a run's first step) and stores it;
/// step 2 fuses it. Each prompt's <c>beta</c> is set from its initial 0 to <see cref="Beta"/>, since at 0 the prompts leave
/// the teacher unchanged and their blocks get no gradient, which would check nothing. Nothing in these steps is random:
/// the teacher is in eval mode, neither student has dropout and their drop-path rates are 0 (checked here), and FOFA
/// draws nothing; batch norms in training mode use the batch's statistics.</para>
/// </remarks>
internal static class FofaExport
{
    /// <summary>The value every prompt's <c>beta</c> is set to before the export.</summary>
    public const double Beta = 0.5;

    public static int Run(BenchArguments arguments)
    {
        if (arguments.Out is null) throw new ArgumentException("export-fofa needs --out DIR.");
        if (arguments.Threads > 0) torch.set_num_threads(arguments.Threads);
        var dtype = arguments.Dtype switch
        {
            "float64" => ScalarType.Float64,
            "float32" => ScalarType.Float32,
            var other => throw new ArgumentException($"--dtype {other}: use float64 or float32."),
        };
        var pair = BenchPair.Find(arguments.Pair);
        var batch = arguments.Batch > 0 ? arguments.Batch : pair.BatchSize;

        // As Program.Step builds a step of --kind fofa.
        torch.manual_seed(0);
        var teacher = pair.CreateTeacher();
        var student = pair.CreateStudent();
        var step = (DistillationStep)pair.CreateStep("fofa", teacher, student);
        var fofa = step.Terms.OfType<FofaTerm>().Single();
        var modules = fofa.Components;

        var dropPath = student.modules().OfType<DropPath>().Where(d => d.Rate > 0).ToArray();
        if (dropPath.Length > 0)
            throw new InvalidOperationException($"The {pair.Name} student has drop path (rate {dropPath[0].Rate}); the check needs a deterministic step.");
        using (no_grad())
        {
            for (var stage = 1; stage <= FofaOptions.StageCount; stage++) modules.PromptFor(stage)?.Beta.fill_(Beta);
        }
        foreach (var module in new nn.Module[] { teacher, student, modules }) module.to(dtype);
        if (teacher.parameters().Any(p => p.requires_grad))
            throw new InvalidOperationException("The teacher has parameters that require gradients after the dtype conversion.");
        step.SetTraining(true);

        // Two batches drawn after the models, as Program.Step draws its one.
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 1; i <= 2; i++)
        {
            inputs[$"input.step{i}.images"] = randn(batch, pair.Channels, pair.ImageSize, pair.ImageSize).to(dtype);
            inputs[$"input.step{i}.labels"] = randint(0, pair.Classes, batch);
        }

        Directory.CreateDirectory(arguments.Out);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Add(weights, "teacher.", teacher.state_dict());
        Add(weights, "student.", student.state_dict());
        Add(weights, "fofa.", modules.state_dict());
        foreach (var (name, tensor) in inputs) weights[name] = tensor;
        Save(Path.Combine(arguments.Out, "weights.safetensors"), weights);

        var trainable = student.named_parameters().Select(p => ("student." + p.name, p.parameter))
            .Concat(modules.named_parameters().Select(p => ("fofa." + p.name, p.parameter)))
            .ToArray();
        var grads = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var steps = new JsonArray();
        for (var i = 1; i <= 2; i++)
        {
            foreach (var (_, parameter) in trainable) parameter.grad?.zero_();
            var output = step.Compute(inputs[$"input.step{i}.images"], inputs[$"input.step{i}.labels"]);
            output.Total.backward();
            var terms = new JsonObject();
            foreach (var term in output.Terms) terms[term.Name] = term.Value.to(ScalarType.Float64).item<double>();
            var norms = new JsonObject();
            foreach (var (name, parameter) in trainable)
            {
                if (parameter.grad is not { } grad) continue;
                grads[$"step{i}.{name}"] = grad.detach().clone();
                norms[name] = grad.to(ScalarType.Float64).norm().item<double>();
            }
            steps.Add(new JsonObject
            {
                ["terms"] = terms,
                ["total"] = output.Total.to(ScalarType.Float64).item<double>(),
                ["grad_norms"] = norms,
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {i}: {string.Join(", ", output.Terms.Select(t => $"{t.Name} {t.Value.to(ScalarType.Float64).item<double>():G10}"))}, total {output.Total.to(ScalarType.Float64).item<double>():G10}"));
        }
        Save(Path.Combine(arguments.Out, "grads.safetensors"), grads);

        var expected = new JsonObject
        {
            ["pair"] = pair.Name,
            ["batch"] = batch,
            ["dtype"] = arguments.Dtype,
            ["beta"] = Beta,
            ["options"] = JsonSerializer.SerializeToNode(modules.Options),
            ["weights"] = JsonSerializer.SerializeToNode(pair.Weights),
            ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(),
            ["libtorch"] = torch.__version__,
            ["steps"] = steps,
        };
        File.WriteAllText(Path.Combine(arguments.Out, "expected.json"), expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"export-fofa: {pair.Name}, batch {batch}, {arguments.Dtype}: {weights.Count} tensors, {grads.Count} gradients written to {arguments.Out}");
        return 0;
    }

    private static void Add(Dictionary<string, Tensor> into, string prefix, Dictionary<string, Tensor> stateDict)
    {
        foreach (var (name, tensor) in stateDict) into[prefix + name] = tensor.detach();
    }

    private static void Save(string path, Dictionary<string, Tensor> tensors)
    {
        using var file = File.Create(path);
        Safetensors.SaveStateDict(file, tensors.ToDictionary(p => p.Key, p => p.Value.contiguous()));
    }
}
