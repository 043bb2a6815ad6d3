print("glueflow example glueetl job")
