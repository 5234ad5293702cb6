namespace FofaDsl.Weights;

/// <summary>The on-disk formats <see cref="PretrainedWeights"/> reads, told apart by their first bytes.</summary>
public enum WeightFileFormat
{
    /// <summary>
    /// <c>torch.save</c>'s zip archive (PyTorch 1.6 and later; <c>.pt</c>, <c>.pth</c>, <c>.bin</c>):
    /// a pickled state dict plus one storage file per tensor.
    /// </summary>
    PyTorchZip,

    /// <summary>Hugging Face safetensors: an 8-byte little-endian header length, a JSON header, then raw tensor bytes.</summary>
    Safetensors,
}
