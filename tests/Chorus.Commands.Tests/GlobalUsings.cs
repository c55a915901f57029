global using Chorus.Commands.Tests.Support;
