"""Chinese: every Han character (and CJK punctuation) is a token; Latin-script names stay whole."""

TOKEN_CHARACTERS = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
