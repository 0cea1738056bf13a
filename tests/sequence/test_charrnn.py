"""CharRNN, the tokenizers and the vocabulary: known answers on tiny languages."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import scidl
from scidl.data import load_moses_smiles
from scidl.sequence import CharRNN, LanguageModelStep, Vocabulary, tokenize, tokenize_smiles
from scidl.utils import torch_threads

# Four strings, equally often: the best model has log p = -log 4 for each (Gibbs' inequality
# bounds the mean log-likelihood of any normalised model by the data's entropy).
LANGUAGE = ["ab", "ba", "aa", "bbb"]


@pytest.fixture(autouse=True)
def one_thread():
    with torch_threads(1):  # tiny networks: more threads only add overhead
        yield


@pytest.fixture(scope="module")
def fitted():
    with torch_threads(1):
        return CharRNN(
            (16,), embedding_dim=8, max_epochs=40, lr=0.03, batch_size=16, random_state=0,
            device="cpu",
        ).fit(LANGUAGE * 8)  # fmt: skip


def test_smiles_tokens_keep_two_letter_atoms_and_brackets_whole():
    assert tokenize_smiles("BrCCl") == ["Br", "C", "Cl"]
    assert tokenize_smiles("C[C@@H](N)c1cc[nH]c1") == [
        "C", "[C@@H]", "(", "N", ")", "c", "1", "c", "c", "[nH]", "c", "1",
    ]  # fmt: skip
    assert tokenize_smiles("C%10CC%10") == ["C", "%10", "C", "C", "%10"]
    assert tokenize("Cl", "char") == ["C", "l"]
    for s in load_moses_smiles("test", n=2000, random_state=0):
        assert "".join(tokenize_smiles(s)) == s


def test_vocabulary_round_trip_and_unknown_tokens():
    vocab = Vocabulary.from_strings(["CCl", "c1ccccc1[nH]"], tokenizer="smiles")
    assert vocab.tokens[:3] == ["<pad>", "<bos>", "<eos>"]
    assert "Cl" in vocab.tokens and "[nH]" in vocab.tokens and "l" not in vocab.tokens
    ids, lengths = vocab.encode(["CCl", "c1"])
    assert ids.tolist() == [
        [1, vocab.tokens.index("C"), vocab.tokens.index("Cl"), 2],
        [1, vocab.tokens.index("c"), vocab.tokens.index("1"), 2],
    ]
    assert lengths.tolist() == [4, 4]
    assert vocab.decode(ids) == ["CCl", "c1"]
    with pytest.raises(ValueError, match=r"X\[1\].*'Br'"):
        vocab.encode(["CC", "CBr"])


def test_learns_a_tiny_language_to_its_entropy(fitted):
    ll = fitted.log_likelihood(LANGUAGE)
    bound = -np.log(len(LANGUAGE))
    # a normalised model cannot beat the entropy; a trained one comes close
    assert fitted.score(LANGUAGE) <= bound + 1e-6
    assert fitted.score(LANGUAGE) > bound - 0.1
    assert np.all(np.abs(ll - bound) < 0.3)
    # strings outside the language are improbable
    assert fitted.log_likelihood(["aba", "a", "bb"]).max() < bound - 3


def test_samples_follow_the_scored_probabilities(fitted):
    samples = fitted.sample(4000, random_state=0)
    p = np.exp(fitted.log_likelihood(LANGUAGE))
    freq = np.array([np.mean(samples == s) for s in LANGUAGE])
    assert np.all(np.abs(freq - p) <= 4 * np.sqrt(p * (1 - p) / 4000) + 1e-3), (freq, p)


def test_temperature_and_seeds(fitted):
    a, b = fitted.sample(50, random_state=3), fitted.sample(50, random_state=3)
    np.testing.assert_array_equal(a, b)
    assert list(a) != list(fitted.sample(50, random_state=4))
    greedy = fitted.sample(5, temperature=0.0)
    assert len(set(greedy)) == 1  # the most probable path, whatever the seed
    # the first token is drawn from softmax(logits / T)
    vocab = fitted.vocabulary_
    with torch.no_grad():
        logits = fitted.module_(torch.tensor([[vocab.BOS]]))[0][0, -1].double()
    a, b = vocab.tokens.index("a"), vocab.tokens.index("b")
    for T in (0.3, 2.0):
        p = torch.softmax(logits / T, 0)
        p_a = float(p[a] / (p[a] + p[b]))  # special tokens are never drawn first here
        first = np.array([s[:1] for s in fitted.sample(4000, temperature=T, random_state=1)])
        assert np.mean(first == "a") == pytest.approx(p_a, abs=4 * np.sqrt(0.25 / 4000))
    assert len(fitted.sample(3, max_length=1, random_state=0)[0]) <= 1
    with pytest.raises(ValueError, match="temperature"):
        fitted.sample(2, temperature=-1.0)
    with pytest.raises(TypeError, match="n_samples"):
        fitted.sample(2.0)


def test_log_likelihood_matches_token_by_token_evaluation(fitted):
    """Teacher forcing over a padded batch equals feeding one token at a time."""
    X = ["ab", "bbb"]
    ids, lengths = fitted.vocabulary_.encode(X)
    module = fitted.module_
    expected = []
    with torch.no_grad():
        for row, n in zip(ids, lengths):
            state, total = None, 0.0
            for t in range(n - 1):
                logits, state = module(torch.tensor([[row[t]]]), state)
                total += float(torch.log_softmax(logits[0, -1].double(), 0)[row[t + 1]])
            expected.append(total)
    np.testing.assert_allclose(fitted.log_likelihood(X), expected, rtol=1e-5)


def test_step_loss_is_the_mean_token_cross_entropy(fitted):
    ids, lengths = fitted.vocabulary_.encode(["ab", "bbb"])
    with torch.no_grad():
        loss = LanguageModelStep.loss(fitted.module_, torch.as_tensor(ids))
    ll = fitted.log_likelihood(["ab", "bbb"])
    assert float(loss) == pytest.approx(-ll.sum() / (lengths - 1).sum(), rel=1e-5)


def test_gru_cell_and_save_load(tmp_path, fitted):
    gru = CharRNN((8, 8), cell="gru", max_epochs=1, random_state=0, device="cpu").fit(LANGUAGE)
    assert isinstance(gru.module_.rnn.layers[0], torch.nn.GRU)
    path = tmp_path / "lm.pt"
    fitted.save(path)
    loaded = scidl.load(path)
    np.testing.assert_array_equal(loaded.log_likelihood(LANGUAGE), fitted.log_likelihood(LANGUAGE))
    np.testing.assert_array_equal(
        loaded.sample(20, random_state=1), fitted.sample(20, random_state=1)
    )


def test_same_seed_same_fit():
    kw = dict(hidden_sizes=(8,), max_epochs=2, random_state=5, device="cpu")
    a = CharRNN(**kw).fit(LANGUAGE * 2).log_likelihood(LANGUAGE)
    b = CharRNN(**kw).fit(LANGUAGE * 2).log_likelihood(LANGUAGE)
    np.testing.assert_array_equal(a, b)


def test_bad_strings_are_named(fitted):
    with pytest.raises(TypeError, match=r"\bX\b"):
        CharRNN().fit("abab")
    with pytest.raises(ValueError, match=r"\bX\b.*not seen in training"):
        fitted.log_likelihood(["abc"])
    with pytest.raises(TypeError, match=r"\bX\b"):
        fitted.score(np.array([1.0, 2.0]))


def test_char_rnn_demo_quick():
    from scidl.demos import run_demo

    result = run_demo("char-rnn", quick=True, random_state=0)
    assert set(result.figures) == {"generated_text", "molecules", "properties", "training_loss"}
    m = result.metrics
    assert m["n_train"] == 1500 and m["epochs"] == 1
    for t in (0.5, 1.0, 1.5):
        assert 0 <= m[f"valid_T{t}"] <= 1
    assert m["zen_nll_per_char"] > 0 and m["test_nll_per_token"] > 0
    assert result.headline == ("validity of samples, T = 1", m["valid_T1.0"])
