namespace Chorus.Simulation.Nodes;

/// <summary>Storage with dirty data the operating system writes back on its own now and then.</summary>
internal interface IWriteback
{
    /// <summary>Called about once a second while the node runs.</summary>
    void Writeback();
}
