namespace Chorus.Simulation.Clients;

/// <summary>How a client paces itself: a mean think time between operations and how long it waits for a reply.</summary>
public sealed record ClientTiming(long ThinkMeanUs, long TimeoutUs);
