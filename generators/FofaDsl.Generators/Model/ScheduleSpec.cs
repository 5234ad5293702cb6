namespace FofaDsl.Generators.Model;

/// <summary>Resolved <c>[Schedule]</c>; <see cref="Optimizer"/> is the <c>OptimizerKind</c> member name.</summary>
internal sealed record ScheduleSpec(
    int Epochs,
    int TeacherEpochs,
    int BatchSize,
    string Optimizer,
    double LearningRate,
    double MinLearningRate,
    double WeightDecay,
    double Momentum,
    int WarmupEpochs,
    string Decay,
    int DecayEveryEpochs,
    double DecayFactor,
    double GradientClip,
    double EmaDecay);
