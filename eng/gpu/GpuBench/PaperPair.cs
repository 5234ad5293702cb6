using FofaDsl;

namespace FofaDsl.GpuBench;

/// <summary>
/// The paper-size pair: a ConvNeXt-T teacher distilled into a DeiT-T student at 224 pixels, batch 64,
/// 10 classes, with the paper's FOFA settings (N = 64 queries, d = 512, 8 heads). The bench only builds
/// its models and FOFA step on random images; the data path is never read.
/// </summary>
[Experiment(Seed = 1)]
[Teacher(Architecture.ConvNeXtTiny)]
[Student(Architecture.DeiTTiny)]
[Fofa]
[Schedule(Epochs = 1, BatchSize = 64, WarmupEpochs = 0)]
[Data(DatasetKind.Cifar10, Path = "unused-by-the-bench", ImageSize = 224)]
public partial class PaperPair;
