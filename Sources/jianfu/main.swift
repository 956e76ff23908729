print("jianfu")
