using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>
/// timm's RandAugment on a batch of <c>[B, C, H, W]</c> images in <c>[0, 1]</c> (unnormalised):
/// each image gets its own ops, magnitudes and signs from the <see cref="Random"/> it was given.
/// Images sharing an op in a round are transformed together, so a batch costs at most
/// <c>OpsPerImage * Ops.Count</c> tensor calls.
/// </summary>
public sealed class RandAugment
{
    private readonly Random random;
    private readonly float[] fill;

    /// <summary>Creates the transform; <paramref name="fill"/> is the per-channel colour in <c>[0, 1]</c> uncovered pixels take (see <see cref="ChannelNormalisation.FillColour"/>).</summary>
    public RandAugment(RandAugmentOptions options, IReadOnlyList<float> fill, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentNullException.ThrowIfNull(random);
        if (options.Ops.Count == 0)
            throw new ArgumentException("RandAugment needs at least one op.", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.OpsPerImage);
        Options = options;
        this.fill = fill.ToArray();
        this.random = random;
    }

    /// <summary>The settings.</summary>
    public RandAugmentOptions Options { get; }

    /// <summary>
    /// Draws the steps for <paramref name="count"/> images: for each image and round, an op chosen
    /// uniformly with replacement; skipped with probability <c>1 - ApplyProbability</c>; otherwise a
    /// magnitude <c>N(m, mstd)</c> clipped to <c>[0, mmax]</c>, mapped by <see cref="RandAugmentLevels.Argument"/>
    /// and, for signed ops, negated with probability 1/2. Skipped steps are left out.
    /// </summary>
    public IReadOnlyList<RandAugmentStep>[] Sample(int count)
    {
        var plan = new IReadOnlyList<RandAugmentStep>[count];
        for (int i = 0; i < count; i++)
        {
            var steps = new List<RandAugmentStep>(Options.OpsPerImage);
            for (int round = 0; round < Options.OpsPerImage; round++)
            {
                var op = Options.Ops[random.Next(Options.Ops.Count)];
                if (Options.ApplyProbability < 1.0 && random.NextDouble() > Options.ApplyProbability)
                    continue;
                double argument = RandAugmentLevels.Argument(op, SampleMagnitude(), Options.TranslatePercent);
                if (RandAugmentLevels.IsSigned(op) && random.NextDouble() > 0.5)
                    argument = -argument;
                steps.Add(new RandAugmentStep(op, argument));
            }
            plan[i] = steps;
        }
        return plan;
    }

    /// <summary>Augments <paramref name="unitImages"/> with a freshly drawn plan; returns a new tensor on the 8-bit grid.</summary>
    public Tensor Apply(Tensor unitImages)
    {
        ArgumentNullException.ThrowIfNull(unitImages);
        return Apply(unitImages, Sample((int)unitImages.shape[0]));
    }

    /// <summary>Applies <paramref name="plan"/> (one step list per image, as <see cref="Sample"/> makes) to <paramref name="unitImages"/>; returns a new tensor.</summary>
    public Tensor Apply(Tensor unitImages, IReadOnlyList<IReadOnlyList<RandAugmentStep>> plan)
    {
        ArgumentNullException.ThrowIfNull(unitImages);
        ArgumentNullException.ThrowIfNull(plan);
        if (unitImages.dim() != 4 || plan.Count != unitImages.shape[0])
            throw new ArgumentException($"Need [B, C, H, W] images and one step list per image; got [{string.Join(", ", unitImages.shape)}] and {plan.Count} lists.");

        using var scope = NewDisposeScope();
        var images = RandAugmentOps.ToBytes(unitImages) / 255.0;
        int rounds = plan.Count == 0 ? 0 : plan.Max(steps => steps.Count);
        for (int round = 0; round < rounds; round++)
        {
            // Group the images by the op of this round so each op runs once on its images.
            var groups = Enumerable.Range(0, plan.Count)
                .Where(i => plan[i].Count > round)
                .GroupBy(i => plan[i][round].Op);
            foreach (var group in groups)
            {
                long[] indices = group.Select(i => (long)i).ToArray();
                var arguments = group.Select(i => plan[i][round].Argument).ToArray();
                var index = tensor(indices, device: images.device);
                var transformed = RandAugmentOps.Apply(group.Key, images.index_select(0, index), arguments, fill);
                // In place: only the group's rows are written, not a copy of the whole batch per group.
                images.index_copy_(0, index, transformed);
            }
        }
        return images.MoveToOuterDisposeScope();
    }

    private double SampleMagnitude()
    {
        double magnitude = Options.Magnitude;
        if (double.IsPositiveInfinity(Options.MagnitudeStd))
            magnitude = random.Uniform(0.0, magnitude);
        else if (Options.MagnitudeStd > 0)
            magnitude = random.Gaussian(magnitude, Options.MagnitudeStd);
        return Math.Clamp(magnitude, 0.0, Options.MagnitudeMax);
    }
}
