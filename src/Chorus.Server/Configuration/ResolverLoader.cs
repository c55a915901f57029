using System.Reflection;
using Chorus.Core.Sites;

namespace Chorus.Server.Configuration;

/// <summary>
/// Loads the custom conflict resolvers a node may use: the built-in ones, and every public,
/// concrete <see cref="IConflictResolver"/> with a parameterless constructor in the assemblies
/// named by ResolverAssemblies. Anything wrong — a missing file, an assembly that does not load,
/// a resolver that cannot be created, two with one name — stops the node at start, saying which.
/// </summary>
public static class ResolverLoader
{
    public static IReadOnlyDictionary<string, IConflictResolver> Load(string assemblies)
    {
        var resolvers = ConflictResolvers.BuiltIn.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var path in assemblies.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var resolver in FromAssembly(path))
            {
                if (!resolvers.TryAdd(resolver.Name, resolver))
                {
                    throw new ConfigurationError($"ResolverAssemblies: two resolvers are named '{resolver.Name}' ({resolver.GetType().FullName} in {path} is the second)");
                }
            }
        }
        return resolvers;
    }

    private static List<IConflictResolver> FromAssembly(string path)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.LoadFrom(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException or NotSupportedException)
        {
            throw new ConfigurationError($"ResolverAssemblies: could not load '{path}': {e.Message}");
        }
        var resolvers = new List<IConflictResolver>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IConflictResolver).IsAssignableFrom(t)))
        {
            try
            {
                resolvers.Add((IConflictResolver)Activator.CreateInstance(type)!);
            }
            catch (Exception e) when (e is MissingMethodException or TargetInvocationException or MemberAccessException)
            {
                throw new ConfigurationError($"ResolverAssemblies: could not create resolver {type.FullName} from '{path}' (it needs a public parameterless constructor): {e.InnerException?.Message ?? e.Message}");
            }
        }
        if (resolvers.Count == 0)
        {
            throw new ConfigurationError($"ResolverAssemblies: '{path}' has no public class implementing Chorus.Core.Sites.IConflictResolver");
        }
        return resolvers;
    }
}
