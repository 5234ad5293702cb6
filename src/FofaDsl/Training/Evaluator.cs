using FofaDsl.Backbones;
using FofaDsl.Data;
using static TorchSharp.torch;

namespace FofaDsl.Training;

/// <summary>Top-1 accuracy of a classifier on a held-out dataset.</summary>
public static class Evaluator
{
    /// <summary>Fraction of <paramref name="dataset"/> that <paramref name="model"/> classifies correctly (eval mode, no gradients, every image counted).</summary>
    public static double Top1(StagedBackbone model, ImageDataset dataset, int batchSize, int imageSize, Device? device = null)
    {
        var wasTraining = model.training;
        model.eval();
        long correct = 0, seen = 0;
        using (no_grad())
        {
            var loader = new BatchLoader(dataset, BatchLoaderOptions.Evaluation(batchSize));
            foreach (var (images, labels) in loader.Epoch(0))
            {
                using var batchImages = images;
                using var batchLabels = labels;
                using var scope = NewDisposeScope();
                var target = device ?? CPU;
                var logits = model.call(ImageBatches.Resize(images.to(target), imageSize));
                correct += logits.argmax(1).eq(labels.to(target)).sum().item<long>();
                seen += labels.shape[0];
            }
        }
        model.train(wasTraining);
        return seen == 0 ? 0 : (double)correct / seen;
    }
}
