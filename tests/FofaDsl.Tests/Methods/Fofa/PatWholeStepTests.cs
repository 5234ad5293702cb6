using System.Text.Json;
using FofaDsl.Backbones;
using FofaDsl.Methods;
using FofaDsl.Methods.Fofa;
using FofaDsl.Methods.Kd;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Tests.Methods.Fofa;

/// <summary>
/// Whole training steps against the authors' code (PAT, distillers/pat.py, with the AdamW its train.py builds through
/// timm): the same weights, batch and settings in float64 and reference-code mode, for a spatial teacher with a ViT
/// student and a token teacher with a CNN student. Three steps, so the prompts' feedback (absent on the first) is used
/// twice. Reference vectors: eng/reference/make-pat-vectors.sh (see its README for how they were made).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PatWholeStepTests
{
    private const double Tolerance = 1e-8;

    private static readonly Dictionary<string, string> TermNames = new()
    {
        ["ce"] = "loss_gt", ["kd"] = "loss_kd", ["feature"] = "loss_pat_mse", ["prompt-reg"] = "loss_pat_reg",
    };

    [Theory]
    [InlineData("resnet-to-vit")]
    [InlineData("vit-to-resnet")]
    public void Three_steps_give_the_losses_gradients_parameters_and_buffers_of_the_authors_code(string scenario)
    {
        using var reference = PatReference.Load(scenario);
        using var run = WholeStep.Create(reference);
        var problems = new List<string>();

        // The trainable parameters, by name and size, and the optimizer's groups.
        var expectedTrainable = reference.Root.GetProperty("trainable").EnumerateArray()
            .Select(e => (Name: PatReference.ToFofaDsl(e.GetProperty("name").GetString()!), Count: e.GetProperty("numel").GetInt64())).ToList();
        Assert.Equal(expectedTrainable.OrderBy(t => t.Name, StringComparer.Ordinal),
            run.Trainable.Select(p => (p.Key, p.Value.numel())).OrderBy(t => t.Key, StringComparer.Ordinal));
        var groups = reference.Root.GetProperty("parameterGroups").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        var adamW = Assert.IsType<TorchSharp.Modules.AdamW>(run.Optimizer);
        Assert.Equal(2, adamW.ParamGroups.Count());
        foreach (var group in adamW.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>())
        {
            var options = group.Options;
            var expected = groups.Single(g => g.GetProperty("weight_decay").GetDouble() == options.weight_decay);
            Assert.Equal(expected.GetProperty("lr").GetDouble(), options.LearningRate!.Value, 15);
            var names = group.Parameters.Select(run.NameOf).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected.GetProperty("params").EnumerateArray().Select(e => PatReference.ToFofaDsl(e.GetString()!)).Order(StringComparer.Ordinal), names);
        }

        using var images = reference.Tensors["input.images"].to(float64);
        using var labels = reference.Tensors["input.labels"];
        foreach (var expectedStep in reference.Root.GetProperty("steps").EnumerateArray())
        {
            var number = expectedStep.GetProperty("step").GetInt32();
            using var scope = NewDisposeScope();
            run.Optimizer.zero_grad();
            var output = run.Step.Compute(images, labels);

            var losses = expectedStep.GetProperty("losses");
            foreach (var term in output.Terms)
                CheckValue($"step {number} {term.Name}", term.Value.item<double>(), losses.GetProperty(TermNames[term.Name]).GetDouble(), problems);
            CheckValue($"step {number} total", output.Total.item<double>(), losses.GetProperty("total").GetDouble(), problems);

            output.Total.backward();
            foreach (var (name, parameter) in run.Trainable)
            {
                var expected = expectedStep.GetProperty("gradients").GetProperty(run.PatName(name));
                var gradient = parameter.grad;
                if (expected.ValueKind == JsonValueKind.Null)
                {
                    // PAT's unused parameters (the fusion before any feedback) have no gradient, so AdamW skips them.
                    if (gradient is not null && gradient.abs().max().item<double>() != 0) problems.Add($"step {number} grad {name}: expected none");
                    continue;
                }
                if (gradient is null)
                {
                    problems.Add($"step {number} grad {name}: none, expected one");
                    continue;
                }
                if (TensorFingerprint.Of(gradient).Difference(TensorFingerprint.Read(expected), Tolerance) is { } d) problems.Add($"step {number} grad {name}: {d}");
            }

            run.Optimizer.step();
            foreach (var (name, parameter) in run.Trainable)
            {
                var expected = TensorFingerprint.Read(expectedStep.GetProperty("parameters").GetProperty(run.PatName(name)));
                if (TensorFingerprint.Of(parameter).Difference(expected, Tolerance) is { } d) problems.Add($"step {number} param {name}: {d}");
            }
            foreach (var buffer in expectedStep.GetProperty("buffers").EnumerateObject())
            {
                // The position table is not a FofaDsl buffer (see above).
                if (buffer.Name.EndsWith("positional_encodings", StringComparison.Ordinal)) continue;
                var name = PatReference.ToFofaDsl(buffer.Name);
                if (!run.Buffers.TryGetValue(name, out var actual))
                {
                    problems.Add($"step {number} buffer {name}: not in FofaDsl's modules");
                    continue;
                }
                // A running mean is a batch mean that cancels (inputs of size ~1 averaging ~0.02), so it keeps 50x less of the
                // inputs' relative agreement: measured 2.2e-8 at the aligners' BatchNorms on steps 2 and 3.
                var tolerance = name.EndsWith("running_mean", StringComparison.Ordinal) ? 1e-7 : Tolerance;
                if (TensorFingerprint.Of(actual).Difference(TensorFingerprint.Read(buffer.Value), tolerance) is { } d) problems.Add($"step {number} buffer {name}: {d}");
            }
            foreach (var tracked in expectedStep.GetProperty("batchesTracked").EnumerateObject())
            {
                var name = PatReference.ToFofaDsl(tracked.Name);
                if (run.Buffers.TryGetValue(name, out var actual) && actual.item<long>() != tracked.Value.GetInt64())
                    problems.Add($"step {number} {name}: {actual.item<long>()}, expected {tracked.Value.GetInt64()}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} differences from PAT:\n" + string.Join("\n", problems.Take(40)));
    }

    [Theory]
    [InlineData("resnet-to-vit")]
    [InlineData("vit-to-resnet")]
    public void Each_loss_reaches_the_parameters_the_method_says_and_nothing_of_the_teacher_moves(string scenario)
    {
        using var reference = PatReference.Load(scenario);
        using var run = WholeStep.Create(reference);
        using var images = reference.Tensors["input.images"].to(float64);
        using var labels = reference.Tensors["input.labels"];
        var teacherBefore = run.Teacher.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        for (var step = 1; step <= 2; step++)
        {
            using var scope = NewDisposeScope();
            run.Optimizer.zero_grad();
            var output = run.Step.Compute(images, labels);
            var parameters = run.Trainable.ToList();
            // Which parameter groups each term's gradient reaches (a zero gradient, e.g. through beta = 0, counts as reached).
            HashSet<string> Reached(string term)
            {
                var value = output.Terms.Single(t => t.Name == term).Value;
                var gradients = torch.autograd.grad([value], parameters.Select(p => (Tensor)p.Value).ToList(), retain_graph: true, allow_unused: true);
                return parameters.Zip(gradients).Where(pg => pg.Second is not null && !pg.Second.IsInvalid).Select(pg => Group(pg.First.Key)).ToHashSet();
            }
            Assert.Equal(["student"], Reached("ce"));
            Assert.Equal(["student"], Reached("kd"));
            // L_Reg reaches the prompts only (on the first step beta and, multiplied by beta = 0, the prompt's own weights).
            var hasFeedbackAligner = run.Trainable.Keys.Any(k => k.Contains(".fb_aligner.", StringComparison.Ordinal));
            string[] promptGroups = step == 1
                ? ["prompt.beta", "prompt.prompt_block"]
                : hasFeedbackAligner ? ["prompt.beta", "prompt.fb_aligner", "prompt.fusion_block", "prompt.prompt_block"] : ["prompt.beta", "prompt.fusion_block", "prompt.prompt_block"];
            Assert.Equal(promptGroups, Reached("prompt-reg").Order(StringComparer.Ordinal).ToArray());
            // L_FD reaches the student, the attention, the aligners and (the teacher's features are not detached) the prompts.
            var feature = Reached("feature");
            Assert.Contains("student", feature);
            Assert.Contains("region_attention", feature);
            Assert.Contains("aligners", feature);
            Assert.Contains("prompt.beta", feature);
            Assert.DoesNotContain("teacher", feature);
            output.Total.backward();
            run.Optimizer.step();

            // The feedback each prompt keeps for the next step is detached.
            for (var stage = 1; stage <= 4; stage++)
            {
                var feedback = run.Term.Components.PromptFor(stage)!.Feedback;
                Assert.NotNull(feedback);
                Assert.False(feedback!.requires_grad);
            }
        }

        // The plain teacher pass builds no graph, and the teacher's weights and BatchNorm statistics do not move.
        using (var scope = NewDisposeScope())
        {
            using var noGrad = no_grad();
            Assert.False(run.Teacher.ForwardAll(images).Logits.requires_grad);
        }
        Assert.All(run.Teacher.parameters(), p => Assert.False(p.requires_grad));
        foreach (var (name, before) in teacherBefore)
            Assert.True(before.equal(run.Teacher.state_dict()[name]).all().item<bool>(), $"teacher {name} changed");
    }

    private static string Group(string name) => name switch
    {
        _ when name.StartsWith("student.", StringComparison.Ordinal) => "student",
        _ when name.StartsWith("teacher.", StringComparison.Ordinal) => "teacher",
        _ when name.StartsWith("fofa.region_attention.", StringComparison.Ordinal) => "region_attention",
        _ when name.StartsWith("fofa.aligners.", StringComparison.Ordinal) => "aligners",
        _ when name.EndsWith(".beta", StringComparison.Ordinal) => "prompt.beta",
        _ => "prompt." + name.Split('.')[3],
    };

    private static void CheckValue(string what, double actual, double expected, List<string> problems)
    {
        // Relative to the value, or to 1e-12 absolute for a value that is zero up to rounding (PAT's first L_Reg).
        if (!(Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected) + 1e-12)) problems.Add($"{what}: {actual:R} vs PAT {expected:R}");
    }

    /// <summary>FofaDsl's FOFA step over the scenario's models, loaded with PAT's initial state, and its optimizer.</summary>
    private sealed class WholeStep : IDisposable
    {
        private readonly Dictionary<string, string> patNames;
        private readonly Dictionary<Tensor, string> names = new(ReferenceEqualityComparer.Instance);

        private WholeStep(StagedBackbone teacher, StagedBackbone student, FofaTerm term, DistillationStep step, optim.Optimizer optimizer,
            Dictionary<string, TorchSharp.Modules.Parameter> trainable, Dictionary<string, Tensor> buffers, Dictionary<string, string> patNames)
        {
            Teacher = teacher;
            Student = student;
            Term = term;
            Step = step;
            Optimizer = optimizer;
            Trainable = trainable;
            Buffers = buffers;
            this.patNames = patNames;
            foreach (var (name, parameter) in trainable) names[parameter] = name;
        }

        public StagedBackbone Teacher { get; }
        public StagedBackbone Student { get; }
        public FofaTerm Term { get; }
        public DistillationStep Step { get; }
        public optim.Optimizer Optimizer { get; }
        public Dictionary<string, TorchSharp.Modules.Parameter> Trainable { get; }
        public Dictionary<string, Tensor> Buffers { get; }

        public string NameOf(TorchSharp.Modules.Parameter parameter) => names[parameter];

        public string PatName(string name) => patNames[name];

        public static WholeStep Create(PatReference reference)
        {
            var args = reference.Root.GetProperty("settings").GetProperty("patArgs");
            var teacher = reference.CreateModel("teacher");
            var student = reference.CreateModel("student");
            var options = new FofaOptions(
                Queries: args.GetProperty("pat_raa_num_queries").GetInt32(),
                TokenWidth: args.GetProperty("pat_raa_dim").GetInt32(),
                Heads: 8, // fixed in pat.py
                PromptStages: args.GetProperty("pat_afp_stage").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                ReferenceCodeQuirks: true);
            var weights = new FofaLossWeights(LabelSmoothing: reference.Root.GetProperty("settings").GetProperty("criterion").GetProperty("smoothing").GetDouble());
            var term = new FofaTerm(teacher, student, options, weights);
            var step = new DistillationStep("FOFA", teacher, student, weights, [new KdTerm(new KdOptions { Weight = 1, Temperature = 1 }), term]);
            teacher.to(float64);
            student.to(float64);
            term.Components.to(float64);

            // Every tensor of FofaDsl's three modules by its name, and PAT's initial values loaded into each.
            var state = new Dictionary<string, Tensor>();
            foreach (var (prefix, module) in new (string, nn.Module)[] { ("teacher.", teacher), ("student.", student), ("fofa.", term.Components) })
                foreach (var (name, tensor) in module.state_dict()) state[prefix + name] = tensor;
            var patNames = new Dictionary<string, string>();
            using (no_grad())
            {
                foreach (var (key, value) in reference.Tensors.Where(t => t.Key.StartsWith("init.", StringComparison.Ordinal)))
                {
                    var patName = key["init.".Length..];
                    if (patName.EndsWith("positional_encodings", StringComparison.Ordinal))
                    {
                        // PAT's float32 table, read by batch position in reference mode. FofaDsl computes its angles in float64 and
                        // rounds once; PAT multiplies in float32, which costs up to ~2e-6 at angle 63: checked here, then PAT's
                        // rows are used so that the comparison below can ask for 1e-8.
                        using var code = SinusoidalPositionCode.Create((int)value.shape[0], (int)value.shape[2]);
                        Assert.True((value.squeeze(1) - code).abs().max().item<float>() <= 4e-6f, "FofaDsl's position code differs from PAT's float32 table");
                        term.Components.RegionAttention!.ReferencePositionTable = value.squeeze(1).to(float64);
                        continue;
                    }
                    var name = PatReference.ToFofaDsl(patName);
                    Assert.True(state.TryGetValue(name, out var target), $"PAT's {patName} (as {name}) has no FofaDsl counterpart");
                    Assert.Equal(value.shape, target!.shape);
                    target.copy_(value.to(target.dtype));
                    patNames[name] = patName;
                }
            }
            var unmapped = state.Keys.Where(k => !patNames.ContainsKey(k)).ToList();
            Assert.True(unmapped.Count == 0, "FofaDsl tensors PAT does not have: " + string.Join(", ", unmapped));

            var parameters = new Dictionary<TorchSharp.Modules.Parameter, string>(ReferenceEqualityComparer.Instance);
            foreach (var (prefix, module) in new (string, nn.Module)[] { ("student.", student), ("fofa.", term.Components) })
                foreach (var (name, parameter) in module.named_parameters()) parameters[parameter] = prefix + name;
            var trainable = step.TrainableParameters().ToDictionary(p => parameters[p], p => p);
            var buffers = state.Where(s => !trainable.ContainsKey(s.Key)).ToDictionary(s => s.Key, s => s.Value);

            var schedule = new TrainingSchedule(Epochs: 1, BatchSize: 4, OptimizerKind.AdamW, LearningRate: 5e-3, MinLearningRate: 0, WeightDecay: 0.05, Momentum: 0.9, WarmupEpochs: 0);
            var optimizer = TrainingLoop.CreateOptimizer(schedule, step.TrainableParameters());
            step.SetTraining(true);
            return new WholeStep(teacher, student, term, step, optimizer, trainable, buffers, patNames);
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Teacher.Dispose();
            Student.Dispose();
            Term.Components.Dispose();
        }
    }
}
