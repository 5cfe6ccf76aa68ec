print("chainrule-bench: not written yet")
