using FofaDsl.Backbones;

namespace FofaDsl.MpiCheck;

/// <summary>
/// Small enough for two ranks on two cores, and free of batch-coupled layers (BatchNorm, dropout), so that the global
/// batch's mean loss, hence its gradient, does not depend on how the batch is split over ranks.
/// </summary>
[Experiment(Seed = 3)]
[Teacher(Architecture.ResMlpS12, PatchSize = 8, EmbedDim = 16, Depth = 4)]
[Student(Architecture.VitSmall, PatchSize = 8, EmbedDim = 16, Depth = 4, Heads = 2)]
[Scratch, Kd, Crd(Negatives = 16), Fofa(Queries = 16, TokenWidth = 16, Heads = 2)]
[Schedule(Epochs = 2, TeacherEpochs = 1, BatchSize = 64, WarmupEpochs = 0)]
[Data(DatasetKind.FashionMnist, ImageSize = 32, TrainLimit = 256)]
public partial class MpiTinyExperiment;
