print("crystalrl")
