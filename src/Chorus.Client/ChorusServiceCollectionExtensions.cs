using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chorus.Client;

/// <summary>Registers <see cref="ChorusClient"/> in an application's services.</summary>
public static class ChorusServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="ChorusClient"/> configured by <paramref name="configure"/>
    /// (and any other configuration of <see cref="ChorusClientOptions"/>). Options are validated
    /// when the client is first resolved; the client connects on first use.
    /// </summary>
    public static IServiceCollection AddChorusClient(this IServiceCollection services, Action<ChorusClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ChorusClientOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChorusClientOptions>, OptionsValidation>());
        services.TryAddSingleton(provider => new ChorusClient(provider.GetRequiredService<IOptions<ChorusClientOptions>>()));
        return services;
    }

    private sealed class OptionsValidation : IValidateOptions<ChorusClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, ChorusClientOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
