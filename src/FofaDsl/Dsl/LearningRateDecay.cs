namespace FofaDsl;

/// <summary>How the learning rate decays after warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>Cosine from the peak to the minimum over the remaining steps (the paper's CIFAR and ViT recipes).</summary>
    Cosine,

    /// <summary>Multiply by <see cref="ScheduleAttribute.DecayFactor"/> every <see cref="ScheduleAttribute.DecayEveryEpochs"/> epochs (the paper's ImageNet CNN recipe).</summary>
    Step,
}
