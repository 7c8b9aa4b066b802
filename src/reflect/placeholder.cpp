// Placeholder so the reflect library has a source until the component lands; delete it then.
namespace empathic {}
