// placeholder, replaced by the ServiceKit implementation
