using static TorchSharp.torch;

namespace FofaDsl.Augmentation;

/// <summary>
/// timm's <c>Mixup</c> in <c>batch</c> mode: each batch is mixed with itself reversed
/// (<c>x.flip(0)</c>), by Mixup with <c>lambda ~ Beta(MixupAlpha, MixupAlpha)</c> or, with
/// probability <see cref="SwitchProbability"/>, by CutMix with <c>lambda ~ Beta(CutmixAlpha, CutmixAlpha)</c>
/// and the lambda corrected to the clipped box area. Targets are label-smoothed one-hots mixed with
/// the same lambda: <c>lambda y + (1 - lambda) y.flip(0)</c>, rows summing to 1. Runs on normalised images.
/// </summary>
public sealed class MixupCutmix
{
    private readonly Random random;

    /// <summary>Creates the transform with timm's / DeiT's settings by default.</summary>
    public MixupCutmix(
        int numClasses, Random random, double mixupAlpha = 0.8, double cutmixAlpha = 1.0,
        double switchProbability = 0.5, double labelSmoothing = 0.1, double mixProbability = 1.0, bool correctLambda = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(mixupAlpha);
        ArgumentOutOfRangeException.ThrowIfNegative(cutmixAlpha);
        ArgumentOutOfRangeException.ThrowIfNegative(labelSmoothing);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(labelSmoothing, 1.0);
        NumClasses = numClasses;
        this.random = random;
        MixupAlpha = mixupAlpha;
        CutmixAlpha = cutmixAlpha;
        SwitchProbability = switchProbability;
        LabelSmoothing = labelSmoothing;
        MixProbability = mixProbability;
        CorrectLambda = correctLambda;
    }

    /// <summary>Number of classes of the soft targets.</summary>
    public int NumClasses { get; }

    /// <summary>Beta parameter of the Mixup lambda; 0 disables Mixup.</summary>
    public double MixupAlpha { get; }

    /// <summary>Beta parameter of the CutMix lambda; 0 disables CutMix.</summary>
    public double CutmixAlpha { get; }

    /// <summary>Chance of CutMix instead of Mixup when both are enabled.</summary>
    public double SwitchProbability { get; }

    /// <summary>Label smoothing <c>s</c>: the true class gets <c>1 - s + s/K</c>, the others <c>s/K</c>.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Chance that a batch is mixed at all.</summary>
    public double MixProbability { get; }

    /// <summary>Whether CutMix's lambda is recomputed from the clipped box (timm's <c>correct_lam</c>).</summary>
    public bool CorrectLambda { get; }

    /// <summary>Draws how a batch of <paramref name="height"/> x <paramref name="width"/> images is mixed (timm's <c>_params_per_batch</c> and <c>cutmix_bbox_and_lam</c>).</summary>
    public MixDecision Sample(int height, int width)
    {
        bool mixupOn = MixupAlpha > 0, cutmixOn = CutmixAlpha > 0;
        if (!(mixupOn || cutmixOn) || random.NextDouble() >= MixProbability)
            return new MixDecision(1.0, false, null);

        bool useCutmix = mixupOn && cutmixOn ? random.NextDouble() < SwitchProbability : cutmixOn;
        double alpha = useCutmix ? CutmixAlpha : MixupAlpha;
        double lambda = random.Beta(alpha, alpha);
        if (!useCutmix)
            return new MixDecision(lambda, false, null);

        var box = CutmixBox(height, width, lambda, random.Next(height), random.Next(width));
        if (CorrectLambda)
            lambda = 1.0 - (double)box.Area / (height * width);
        return new MixDecision(lambda, true, box);
    }

    /// <summary>
    /// timm's <c>rand_bbox</c> for a box centred at (<paramref name="centreY"/>, <paramref name="centreX"/>):
    /// sides <c>int(H sqrt(1 - lambda))</c> and <c>int(W sqrt(1 - lambda))</c>, halves floored, clipped to the image.
    /// </summary>
    public static CropBox CutmixBox(int height, int width, double lambda, int centreY, int centreX)
    {
        double ratio = Math.Sqrt(1.0 - lambda);
        int cutH = (int)(height * ratio), cutW = (int)(width * ratio);
        int top = Math.Clamp(centreY - cutH / 2, 0, height), bottom = Math.Clamp(centreY + cutH / 2, 0, height);
        int left = Math.Clamp(centreX - cutW / 2, 0, width), right = Math.Clamp(centreX + cutW / 2, 0, width);
        return new CropBox(top, left, bottom - top, right - left);
    }

    /// <summary>Mixes a batch of normalised <paramref name="images"/> <c>[B, C, H, W]</c> with int64 <paramref name="labels"/> <c>[B]</c>; returns new images and soft targets <c>[B, NumClasses]</c>.</summary>
    public (Tensor Images, Tensor SoftTargets) Apply(Tensor images, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"Expected [B, C, H, W] images; got [{string.Join(", ", images.shape)}].", nameof(images));
        return Apply(images, labels, Sample((int)images.shape[2], (int)images.shape[3]));
    }

    /// <summary>Mixes the batch as <paramref name="decision"/> says; returns new images and soft targets.</summary>
    public (Tensor Images, Tensor SoftTargets) Apply(Tensor images, Tensor labels, MixDecision decision)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"Need one label per image: images [{string.Join(", ", images.shape)}], labels [{string.Join(", ", labels.shape)}].", nameof(labels));

        using var scope = NewDisposeScope();
        var reversed = images.flip(0);
        Tensor mixed;
        if (decision.Lambda >= 1.0)
            mixed = images.clone();
        else if (decision.UseCutmix && decision.Box is { } box)
        {
            mixed = images.clone();
            var rows = TensorIndex.Slice(box.Top, box.Top + box.Height);
            var columns = TensorIndex.Slice(box.Left, box.Left + box.Width);
            mixed[TensorIndex.Colon, TensorIndex.Colon, rows, columns] = reversed[TensorIndex.Colon, TensorIndex.Colon, rows, columns];
        }
        else
            mixed = images * decision.Lambda + reversed * (1.0 - decision.Lambda);

        var targets = MixedTargets(labels, NumClasses, decision.Lambda, LabelSmoothing).to(images.dtype, images.device);
        return (mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// timm's <c>mixup_target</c>: smoothed one-hots (<c>s/K</c> off, <c>1 - s + s/K</c> on) of
    /// <paramref name="labels"/> weighted by <paramref name="lambda"/> plus those of the reversed labels by <c>1 - lambda</c>. Float32.
    /// </summary>
    public static Tensor MixedTargets(Tensor labels, int numClasses, double lambda, double smoothing)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        double off = smoothing / numClasses, on = 1.0 - smoothing + off;
        var oneHot = nn.functional.one_hot(labels.to(ScalarType.Int64), numClasses).to(ScalarType.Float32);
        var smoothed = oneHot * (on - off) + off;
        return (smoothed * lambda + smoothed.flip(0) * (1.0 - lambda)).MoveToOuterDisposeScope();
    }
}
