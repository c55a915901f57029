using System.Runtime.InteropServices;

namespace Chorus.Cli;

/// <summary>SIGINT (Ctrl+C) and SIGTERM as a cancellation token, for a clean stop.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _requested;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _disposed;

    public ShutdownSignal(CancellationToken outer)
    {
        _requested = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public CancellationToken Token => _requested.Token;

    public bool IsRequested => _requested.IsCancellationRequested;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _sigint.Dispose();
        _sigterm.Dispose();
        _requested.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // we stop cleanly ourselves
        if (Volatile.Read(ref _disposed) == 0)
        {
            try
            {
                _requested.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // a signal raced with shutdown: nothing left to stop
            }
        }
    }
}
