using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace FofaDsl.Data;

/// <summary>
/// Prepares batches on a background thread, a few ahead of the training step, so that decoding,
/// shuffling, flipping and normalising overlap with the model's work. The order is unchanged.
/// </summary>
public static class BatchPrefetcher
{
    /// <summary>
    /// Enumerates <paramref name="batches"/> on a background thread, keeping at most <paramref name="depth"/>
    /// ready. Leaving the loop early stops the producer and frees the batches it had prepared; an
    /// exception in the producer surfaces in the consumer.
    /// </summary>
    public static IEnumerable<(Tensor Images, Tensor Labels)> Prefetch(IEnumerable<(Tensor Images, Tensor Labels)> batches, int depth = 2, CancellationToken cancellation = default) =>
        Prefetch(batches, depth, cancellation, batch =>
        {
            batch.Images.Dispose();
            batch.Labels.Dispose();
        });

    /// <summary>
    /// <see cref="Prefetch(IEnumerable{ValueTuple{Tensor, Tensor}}, int, CancellationToken)"/> for batches
    /// that carry the data-set index of each image (<see cref="BatchLoader.EpochWithIndices"/>).
    /// </summary>
    public static IEnumerable<(Tensor Images, Tensor Labels, Tensor Indices)> Prefetch(IEnumerable<(Tensor Images, Tensor Labels, Tensor Indices)> batches, int depth = 2, CancellationToken cancellation = default) =>
        Prefetch(batches, depth, cancellation, batch =>
        {
            batch.Images.Dispose();
            batch.Labels.Dispose();
            batch.Indices.Dispose();
        });

    private static IEnumerable<TBatch> Prefetch<TBatch>(IEnumerable<TBatch> batches, int depth, CancellationToken cancellation, Action<TBatch> dispose)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        return Run();

        // An inner iterator, so that a bad depth throws at the call rather than at the first MoveNext.
        IEnumerable<TBatch> Run()
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            using var queue = new BlockingCollection<TBatch>(depth);
            var producer = Task.Run(() =>
            {
                try
                {
                    foreach (var batch in batches)
                    {
                        try
                        {
                            queue.Add(batch, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            dispose(batch);
                            return;
                        }
                    }
                }
                finally
                {
                    queue.CompleteAdding();
                }
            });

            try
            {
                foreach (var batch in queue.GetConsumingEnumerable(cancellation)) yield return batch;
                producer.GetAwaiter().GetResult(); // rethrows a producer failure
            }
            finally
            {
                stop.Cancel();
                try
                {
                    producer.Wait();
                }
                catch (AggregateException)
                {
                    // Already rethrown above when the batches ran out; otherwise the consumer left early
                    // (or failed) and its own exit is what matters.
                }
                while (queue.TryTake(out var left)) dispose(left);
            }
        }
    }
}
