namespace FofaDsl.Data;

/// <summary>Which CIFAR split to load.</summary>
public enum CifarSplit
{
    /// <summary>The training split: CIFAR-10 <c>data_batch_1..5.bin</c>, CIFAR-100 <c>train.bin</c> (50,000 images in full).</summary>
    Train,

    /// <summary>The test split: CIFAR-10 <c>test_batch.bin</c>, CIFAR-100 <c>test.bin</c> (10,000 images in full).</summary>
    Test,
}
