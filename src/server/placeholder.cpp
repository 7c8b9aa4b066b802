// Placeholder so the server library has a source until the component lands; delete it then.
namespace empathic {}
