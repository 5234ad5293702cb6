using FofaDsl.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>
/// Exponential moving average of a model's weights and buffers (timm's ModelEmaV2): after every
/// optimizer step <c>ema = decay * ema + (1 - decay) * weights</c>. Evaluation swaps the average in.
/// </summary>
public sealed class ModelEma : IDisposable
{
    private readonly nn.Module model;
    private readonly double decay;
    private readonly Dictionary<string, Tensor> shadow;

    /// <summary>Starts the average at the model's current weights.</summary>
    public ModelEma(nn.Module model, double decay)
    {
        if (!(decay > 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must lie in (0, 1).");
        this.model = model;
        this.decay = decay;
        using var _ = no_grad();
        shadow = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>The averaged tensors by state-dict name.</summary>
    public IReadOnlyDictionary<string, Tensor> Shadow => shadow;

    /// <summary>Moves the average one step towards the model's current weights (integer buffers are copied).</summary>
    public void Update()
    {
        using var _ = no_grad();
        foreach (var (name, value) in model.state_dict())
        {
            var average = shadow[name];
            if (average.is_floating_point()) average.mul_(decay).add_(value.detach(), alpha: 1 - decay);
            else average.copy_(value);
        }
    }

    /// <summary>Puts the average into the model until the returned scope is disposed, when the model's own weights come back.</summary>
    public IDisposable SwapIn()
    {
        var own = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        CopyInto(shadow);
        return new Restore(() =>
        {
            CopyInto(own);
            foreach (var tensor in own.Values) tensor.Dispose();
        });
    }

    /// <summary>Makes the average the model's weights for good (the end of a run with EMA).</summary>
    public void CopyToModel() => CopyInto(shadow);

    /// <summary>Writes the average (for checkpoints).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(shadow.Count);
        foreach (var (name, value) in shadow)
        {
            writer.Write(name);
            TensorIO.Write(writer, value);
        }
    }

    /// <summary>Reads an average written by <see cref="Save"/>; names and shapes must match.</summary>
    public void Load(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count != shadow.Count) throw new InvalidDataException($"The checkpoint's EMA holds {count} tensors; the model has {shadow.Count}.");
        using var _ = no_grad();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            using var value = TensorIO.Read(reader);
            if (!shadow.TryGetValue(name, out var target) || !target.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"The checkpoint's EMA tensor '{name}' does not fit the model.");
            target.copy_(value);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in shadow.Values) tensor.Dispose();
        shadow.Clear();
    }

    private void CopyInto(IReadOnlyDictionary<string, Tensor> source)
    {
        using var _ = no_grad();
        foreach (var (name, value) in model.state_dict()) value.copy_(source[name]);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
