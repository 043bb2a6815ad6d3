print("glueflow example pythonshell job")
