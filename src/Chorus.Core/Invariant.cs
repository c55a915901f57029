using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Chorus.Core;

/// <summary>
/// Assertions that stay on in Release. A broken invariant means the node's state can no longer
/// be trusted, so it stops the node (and a simulation) instead of carrying on.
/// </summary>
public static class Invariant
{
    public static void That(
        [DoesNotReturnIf(false)] bool condition,
        string message,
        [CallerArgumentExpression(nameof(condition))] string? expression = null)
    {
        if (!condition)
        {
            Fail(message, expression);
        }
    }

    [DoesNotReturn]
    public static void Fail(string message, string? expression = null) =>
        throw new InvariantViolationException(expression is null ? message : $"{message} ({expression})");
}

/// <summary>Thrown when an invariant does not hold. Never caught to carry on.</summary>
public sealed class InvariantViolationException(string message) : Exception(message);
