using Chorus.Simulation.Engine;

namespace Chorus.Simulation.Network;

/// <summary>
/// One-way delay of a link: a floor, an exponential body and a rare long tail (a retransmitted
/// packet, a busy switch). Units are microseconds.
/// </summary>
public sealed record LatencyDistribution(long MinUs, long MeanExtraUs, double TailProbability = 0, long TailMaxUs = 0)
{
    public long Sample(SimRandom random)
    {
        var delay = MinUs + random.Exponential(MeanExtraUs);
        if (random.Chance(TailProbability))
        {
            delay += random.Between(0, TailMaxUs);
        }
        return delay;
    }

    /// <summary>The delay most messages stay under, for describing a profile.</summary>
    public long TypicalUs => MinUs + MeanExtraUs;
}
