namespace FofaDsl.Generators.Parsing;

/// <summary>
/// The DSL attributes' property defaults, mirrored here because a generator sees only the
/// arguments a user wrote. A test compares these with the attributes' real defaults.
/// </summary>
internal static class Defaults
{
    public const string Stem = "ImageNet";

    public const int Queries = 64;
    public const int TokenWidth = 512;
    public const int AttentionHeads = 8;

    public const double LossWeight = 1;
    public const double Temperature = 1;
    public const double LabelSmoothing = 0.1;

    public const int Epochs = 10;
    public const int TeacherEpochs = 10;
    public const int BatchSize = 128;
    public const string Optimizer = "AdamW";
    public const double LearningRate = 1e-3;
    public const double MinLearningRate = 1e-5;
    public const double WeightDecay = 0.05;
    public const double Momentum = 0.9;
    public const int WarmupEpochs = 1;
    public const int DecayEveryEpochs = 30;
    public const double DecayFactor = 0.1;

}
