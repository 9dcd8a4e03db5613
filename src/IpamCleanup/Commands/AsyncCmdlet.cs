using System.Collections.Concurrent;
using System.Management.Automation;
using IpamCleanup.Core;

namespace IpamCleanup.Commands;

/// <summary>
/// Runs the async core on the pipeline thread: work executes on the thread pool while this thread waits and
/// drains the verbose, debug, warning and progress records the work queued, because PowerShell allows Write*
/// calls only from the pipeline thread. Ctrl+C (StopProcessing) cancels the token handed to the work.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly ConcurrentQueue<Action<AsyncCmdlet>> _pending = new();
    private bool _disposed;

    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Queues a verbose line from any thread; it is written the next time the pipeline thread drains.</summary>
    protected void QueueVerbose(string message) => _pending.Enqueue(c => c.WriteVerbose(message));

    protected void QueueDebug(string message) => _pending.Enqueue(c => c.WriteDebug(message));

    protected void QueueWarning(string message) => _pending.Enqueue(c => c.WriteWarning(message));

    protected void QueueProgress(ProgressRecord record) => _pending.Enqueue(c => c.WriteProgress(record));

    protected T RunSync<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(_cancellation.Token), _cancellation.Token);
        try
        {
            while (!task.Wait(50))
            {
                DrainQueued();
            }
        }
        catch (AggregateException)
        {
            // Observed below through GetResult, which rethrows the original exception.
        }

        DrainQueued();
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void RunSync(Func<CancellationToken, Task> work) =>
        RunSync<bool>(async ct =>
        {
            await work(ct).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Runs work that produces items on worker threads (through the callback, which only enqueues) and hands each item
    /// to <paramref name="onItem"/> on the pipeline thread as it arrives.
    /// </summary>
    protected void RunStreaming<T>(Func<CancellationToken, Action<T>, Task> work, Action<T> onItem)
    {
        var produced = new ConcurrentQueue<T>();
        var task = Task.Run(() => work(_cancellation.Token, produced.Enqueue), _cancellation.Token);
        while (!task.IsCompleted)
        {
            try
            {
                task.Wait(50);
            }
            catch (AggregateException)
            {
                // Observed below through GetResult.
            }

            DrainQueued();
            while (produced.TryDequeue(out var item))
            {
                onItem(item);
            }
        }

        DrainQueued();
        while (produced.TryDequeue(out var item))
        {
            onItem(item);
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void DrainQueued()
    {
        while (_pending.TryDequeue(out var write))
        {
            write(this);
        }
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>An ErrorRecord with the exception's stable ErrorId, category and recommended action.</summary>
    protected static ErrorRecord ToErrorRecord(IpamCleanupException exception, object? target)
    {
        var category = Enum.TryParse<ErrorCategory>(exception.Category, out var parsed) ? parsed : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(exception, exception.ErrorId, category, target ?? exception.Target);
        record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.RecommendedAction };
        return record;
    }

    protected static ErrorRecord NewError(string errorId, ErrorCategory category, string message, string recommendedAction, object? target) =>
        ToErrorRecord(new IpamCleanupException(errorId, category.ToString(), message, recommendedAction), target);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        if (disposing)
        {
            _cancellation.Dispose();
        }

        _disposed = true;
    }
}
