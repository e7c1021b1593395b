# Sourced by ./kvasir and ./run-tests: finds a JDK 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25 or newer, then the usual /usr/lib/jvm and /opt locations.
kvasir_java_major() { # prints the feature version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1
}
kvasir_find_jdk25() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25* /usr/lib/jvm/*25* /opt/jdk-25* /opt/java/openjdk)
  local c major
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(kvasir_java_major "$c/bin/java")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      return 0
    fi
  done
  echo "kvasir: no JDK 25 found (looked at \$JAVA_HOME, /usr/lib/jvm, /opt)." >&2
  echo "kvasir: install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium repository) or unpack a JDK 25 and set JAVA_HOME to it." >&2
  return 1
}
