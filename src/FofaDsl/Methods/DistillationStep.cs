using FofaDsl.Backbones;
using FofaDsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FofaDsl.Methods;

/// <summary>
/// Training with any combination of distillation terms:
/// <c>w_ce * CE(z_s, y) + sum of the terms</c> (each term already weighted). The student's forward
/// pass (logits, stages, embedding) is computed once and shared by all terms; the teacher, when given,
/// is frozen and run once under no-grad. Without a teacher and terms this is plain supervised training.
/// </summary>
/// <remarks>Reported terms: <c>ce</c>, then each term's own, in the order of the terms.</remarks>
public sealed class DistillationStep : ITrainingStep
{
    private readonly StagedBackbone? teacher;
    private readonly StagedBackbone student;
    private readonly FofaLossWeights weights;
    private readonly IDistillationTerm[] terms;
    private readonly nn.Module[] termModules;
    private readonly bool runsTeacher;

    /// <summary>Freezes <paramref name="teacher"/> (when given) and checks that every term has what it reads.</summary>
    /// <param name="methodName">Name of the method in logs and reports, e.g. "KD + FitNet".</param>
    /// <param name="teacher">The teacher, frozen here; null for terms that need none (or no terms).</param>
    /// <param name="student">The model that is trained.</param>
    /// <param name="weights">Cross-entropy weight and label smoothing (its other weights are not read here: each term carries its own).</param>
    /// <param name="terms">The distillation terms, in reporting order; their reported names must be distinct.</param>
    /// <exception cref="ArgumentException">A term needs a teacher and none was given, or two terms share a name.</exception>
    public DistillationStep(string methodName, StagedBackbone? teacher, StagedBackbone student, FofaLossWeights weights,
        IReadOnlyList<IDistillationTerm> terms)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(methodName);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(terms);
        weights.Validate();
        MethodName = methodName;
        this.terms = terms.ToArray();
        var needing = this.terms.Where(t => t.NeedsTeacher).Select(t => t.Name).ToArray();
        if (teacher is null && needing.Length > 0)
            throw new ArgumentException(
                $"Method '{methodName}' distils from a teacher (terms {string.Join(", ", needing)}), but no teacher was given.", nameof(teacher));
        // "ce" is the step's own cross-entropy.
        var clashing = this.terms.Select(t => t.Name).Append("ce").GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (clashing.Length > 0)
            throw new ArgumentException(
                $"Method '{methodName}' has more than one term named {string.Join(", ", clashing.Select(n => $"'{n}'"))}; each term may appear once and none may be called 'ce'.",
                nameof(terms));

        this.teacher = teacher;
        this.student = student;
        this.weights = weights;
        termModules = this.terms.SelectMany(t => t.Modules).ToArray();
        runsTeacher = teacher is not null && needing.Length > 0;
        if (teacher is not null) Freezing.Freeze(teacher);
    }

    /// <summary>
    /// Plain supervised training, the step without a teacher or terms: cross-entropy with label smoothing at weight 1. It
    /// trains teachers ("Supervised") and the "Scratch" students.
    /// </summary>
    /// <param name="model">The model to train.</param>
    /// <param name="labelSmoothing">Label smoothing of the cross-entropy.</param>
    /// <param name="methodName">Name in logs and reports.</param>
    public static DistillationStep Supervised(StagedBackbone model, double labelSmoothing, string methodName = "Scratch") =>
        new(methodName, null, model, new FofaLossWeights(LabelSmoothing: labelSmoothing), []);

    /// <inheritdoc />
    public string MethodName { get; }

    /// <inheritdoc />
    public StagedBackbone Student => student;

    /// <summary>The frozen teacher, or null.</summary>
    public StagedBackbone? Teacher => teacher;

    /// <summary>The distillation terms, in reporting order.</summary>
    public IReadOnlyList<IDistillationTerm> Terms => terms;

    /// <summary>Whether a term reads the dataset index of each image (then only the three-argument <see cref="Compute(Tensor, Tensor, Tensor)"/> works).</summary>
    public bool NeedsSampleIndices => terms.Any(t => t.NeedsSampleIndices);

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => student.parameters().Concat(termModules.SelectMany(m => m.parameters()));

    /// <inheritdoc />
    public IReadOnlyList<nn.Module> StatefulModules => [student, .. termModules];

    /// <inheritdoc />
    public void MoveTo(Device device)
    {
        teacher?.to(device);
        student.to(device);
        foreach (var module in termModules) module.to(device);
    }

    /// <inheritdoc />
    public void SetTraining(bool training)
    {
        student.train(training);
        foreach (var module in termModules) module.train(training);
    }

    /// <summary>Writes each term's state beyond its weights (FOFA's feedback), in the order of the terms.</summary>
    /// <param name="writer">The checkpoint being written.</param>
    public void SaveState(BinaryWriter writer)
    {
        foreach (var term in terms) term.SaveState(writer);
    }

    /// <summary>Lets each term gather per-rank state before a checkpoint is written (every rank calls this).</summary>
    public void PrepareCheckpoint()
    {
        foreach (var term in terms) term.PrepareCheckpoint();
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote.</summary>
    /// <param name="reader">The checkpoint being read.</param>
    public void LoadState(BinaryReader reader)
    {
        foreach (var term in terms) term.LoadState(reader);
    }

    /// <summary>Tells every term which epoch starts.</summary>
    /// <param name="epoch">The epoch that starts, 1 for the first.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is below 1.</exception>
    public void BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        foreach (var term in terms) term.BeginEpoch(epoch);
    }

    /// <summary>The loss of one batch; throws <see cref="InvalidOperationException"/> when a term needs sample indices (CRD).</summary>
    /// <param name="images">Normalised images <c>[B, C, H, W]</c>.</param>
    /// <param name="labels">Class indices <c>[B]</c> or mixup/cutmix soft targets <c>[B, classes]</c>.</param>
    public StepOutput Compute(Tensor images, Tensor labels)
    {
        if (NeedsSampleIndices)
            throw new InvalidOperationException(
                $"Method '{MethodName}' needs the dataset index of every image (CRD's memory bank); call Compute(images, labels, sampleIndices).");
        return ComputeCore(images, labels, null);
    }

    /// <summary>The loss of one batch whose images have dataset indices <paramref name="sampleIndices"/>.</summary>
    /// <param name="images">Normalised images <c>[B, C, H, W]</c>.</param>
    /// <param name="labels">Class indices <c>[B]</c> or mixup/cutmix soft targets <c>[B, classes]</c>.</param>
    /// <param name="sampleIndices">Dataset index of each image <c>[B]</c> (int64).</param>
    public StepOutput Compute(Tensor images, Tensor labels, Tensor sampleIndices) => ComputeCore(images, labels, sampleIndices);

    private StepOutput ComputeCore(Tensor images, Tensor labels, Tensor? sampleIndices)
    {
        ModelOutputs? teacherOutputs = null;
        if (runsTeacher)
        {
            using (no_grad()) teacherOutputs = teacher!.ForwardAll(images);
        }
        var studentOutputs = student.ForwardAll(images);
        var ce = Targets.CrossEntropy(studentOutputs.Logits, labels, weights.LabelSmoothing) * weights.CrossEntropy;
        var inputs = new DistillationInputs(studentOutputs, teacherOutputs, Targets.HardLabels(labels), sampleIndices, images);

        var reported = new List<LossTerm> { new("ce", ce) };
        foreach (var term in terms) reported.AddRange(term.Compute(inputs));
        var total = ce;
        foreach (var term in reported.Skip(1)) total = total + term.Value;
        return new StepOutput(total, reported, studentOutputs.Logits);
    }
}
